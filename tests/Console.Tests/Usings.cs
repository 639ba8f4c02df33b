global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using GuruConnect.Server.Tests.Infrastructure;
global using Microsoft.Extensions.DependencyInjection;
global using GuruConnect.EndToEnd.Tests;
