using System.CommandLine;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// <c>support</c>: attended session with a 6-digit code (spec 03). Validates its input today;
/// the session itself needs the relay transport, which a later change adds.
/// </summary>
internal static class SupportCommand
{
    public static Command Create(AgentContext context)
    {
        var server = new Option<string>("--server") { Description = "Server URL the technician gave you.", Required = true };
        var code = new Option<string>("--code") { Description = "The 6-digit support code.", Required = true };
        var command = new Command("support", "Attended support session as the current user with a 6-digit code; stores nothing.")
        {
            server,
            code,
        };
        command.SetAction(parseResult => Run(context, parseResult.GetRequiredValue(server), parseResult.GetRequiredValue(code)));
        return command;
    }

    public static bool IsValidCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    private static int Run(AgentContext context, string server, string code)
    {
        if (!IsValidCode(code.Trim()))
        {
            return CommandRunner.Fail(context, ExitCodes.Usage, $"\"{code}\" is not a support code: it has exactly 6 digits, e.g. --code 123456. Ask your technician for the code.");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return CommandRunner.Fail(context, ExitCodes.Usage, $"\"{server}\" is not a server URL; expected something like https://connect.example.com.");
        }

        return CommandRunner.Fail(
            context,
            ExitCodes.NotAvailable,
            $"Support code {code.Trim()} for {uri.Host} is well-formed, but attended sessions arrive with the relay transport, which this build of the agent does not include yet. Nothing was stored.");
    }
}
