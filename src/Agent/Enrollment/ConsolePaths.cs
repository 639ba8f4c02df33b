namespace GuruConnect.Agent.Enrollment;

/// <summary>
/// Where in the web console (src/Web, docs/console.md) a message sends its reader: one place, so every
/// path an agent message names is a menu entry and buttons that exist. tests/Agent.Tests/Enrollment/
/// ConsoleWordingTests.cs checks each step against the console's source; agent messages use these
/// constants instead of writing their own "A → B".
/// </summary>
internal static class ConsolePaths
{
    /// <summary>The site's installer, built with its current key (or a rotated one).</summary>
    public const string BuildInstaller = "Sites → Build installer";

    /// <summary>A new site key, shown once (the console never shows a key again after it was issued).</summary>
    public const string RotateKey = "Sites → Rotate key";

    /// <summary>A machine waiting for approval: filter the list, open it, approve.</summary>
    public const string ApprovePending = "Machines → Pending approval → Approve";

    /// <summary>Removing a machine so it can enroll under another site.</summary>
    public const string RemoveMachine = "Machines → Remove";
}
