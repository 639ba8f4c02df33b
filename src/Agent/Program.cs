using GuruConnect.Agent.Cli;

// Exit codes: ExitCodes.cs. Commands: Cli/AgentCli.cs.
return await AgentCli.InvokeAsync(args, AgentContext.CreateDefault(Console.Out, Console.Error), handleTerminationSignals: true, CancellationToken.None);
