using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Support;

// Exit codes: ExitCodes.cs. Commands: Cli/AgentCli.cs. Services: Hosting/AgentHost.cs.
// Started with no arguments as GuruConnect-123456.exe (the /support download): the support command.
return await AgentCli.InvokeAsync(SupportLaunch.Arguments(args, Environment.ProcessPath, Environment.GetEnvironmentVariable), AgentHostOptions.ForProcess(), handleTerminationSignals: true, CancellationToken.None);
