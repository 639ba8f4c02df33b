global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using GuruConnect.EndToEnd.Tests;
global using GuruConnect.Server.Tests.Infrastructure;
global using Microsoft.Extensions.DependencyInjection;
