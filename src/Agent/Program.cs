using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Hosting;

// Exit codes: ExitCodes.cs. Commands: Cli/AgentCli.cs. Services: Hosting/AgentHost.cs.
return await AgentCli.InvokeAsync(args, AgentHostOptions.ForProcess(), handleTerminationSignals: true, CancellationToken.None);
