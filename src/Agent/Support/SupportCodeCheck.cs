namespace GuruConnect.Agent.Support;

/// <summary>
/// Every answer to "is this support code live?" (<c>GET /api/codes/{code}/validate</c>, or the
/// <c>/ws/agent?supportCode=</c> upgrade itself). Each carries the line the person at the computer reads.
/// </summary>
internal abstract record SupportCodeCheck(string Message)
{
    /// <summary>200 <c>{"valid":true}</c>.</summary>
    public sealed record Live() : SupportCodeCheck("The support code is valid.");

    /// <summary>404 <c>CODE_INVALID</c> (401 at the upgrade): unknown, expired, used or cancelled.</summary>
    public sealed record NotLive(string Code) : SupportCodeCheck(
        $"Support code {Code} is not valid: it may have expired (codes last 30 minutes), been used already, or been cancelled. Ask your technician for a new one.");

    /// <summary>429: this IP is locked out after too many wrong codes.</summary>
    public sealed record RateLimited(TimeSpan? RetryAfter) : SupportCodeCheck($"Too many wrong codes from this network; try again in {InMinutes(RetryAfter)}.");

    /// <summary>No HTTP answer: DNS, TCP, TLS or a timeout.</summary>
    public sealed record Unreachable(string Server, string Reason) : SupportCodeCheck(
        $"Could not reach {Server}: {Reason}. Check the server address your technician gave you and that this computer is online.");

    /// <summary>Any other answer (5xx, a server that is not GuruConnect).</summary>
    public sealed record Failed(int Status, string Message) : SupportCodeCheck(Message);

    private static string InMinutes(TimeSpan? wait) => wait is { } after
        ? Math.Max(1, (int)Math.Ceiling(after.TotalMinutes)) is var minutes && minutes == 1 ? "1 minute" : $"{minutes} minutes"
        : "a few minutes";
}
