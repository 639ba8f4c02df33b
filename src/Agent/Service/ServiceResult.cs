namespace GuruConnect.Agent.Service;

/// <summary>An exit code from <see cref="ExitCodes"/> and the message for the person at the console.</summary>
internal sealed record ServiceResult(int ExitCode, string Message);
