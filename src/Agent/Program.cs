// Placeholder entry point; the agent CLI lands with issue 5.
Console.WriteLine("guruconnect-agent: not yet implemented");
return 0;
