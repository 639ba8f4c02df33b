using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuruConnect.Agent.Update;

/// <summary>
/// <c>GET /api/version</c> (docs/api.md "Releases"): the current build for a platform and channel.
/// Only <see cref="Version"/>, <see cref="Platform"/> and <see cref="Sha256"/> are signed; the URL is
/// not (it depends on the server's address) — the SHA-256 binds the bytes.
/// </summary>
internal sealed record UpdateManifest(string? Version, string? Channel, string? Platform, string? DownloadUrl, string? Sha256, string? Signature);

/// <summary><c>&lt;state&gt;/update.json</c>: an update in progress, or how the last one ended (<see cref="UpdateStateFile"/>).</summary>
/// <param name="Phase"><see cref="UpdatePhases"/>.</param>
/// <param name="FromVersion">The version that was running before the swap.</param>
/// <param name="ToVersion">The signed version the new binary was installed as.</param>
/// <param name="Sha256">The new binary's SHA-256, as signed.</param>
/// <param name="BinaryPath">Where the agent is installed (the service runs this path).</param>
/// <param name="PreviousPath">The binary that ran before, kept for the rollback.</param>
/// <param name="AppliedAt">When the swap happened.</param>
/// <param name="Deadline">By when the new binary must have connected once, or it is rolled back.</param>
/// <param name="EndedAt">When it was committed or rolled back.</param>
/// <param name="Detail">Why it was rolled back.</param>
internal sealed record UpdateState(
    string Phase,
    string FromVersion,
    string ToVersion,
    string Sha256,
    string BinaryPath,
    string PreviousPath,
    DateTimeOffset AppliedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? EndedAt = null,
    string? Detail = null);

internal static class UpdatePhases
{
    /// <summary>Written before the swap: the new binary is on trial until it connects.</summary>
    public const string Trial = "trial";

    /// <summary>The new binary connected; the previous one stays beside it.</summary>
    public const string Committed = "committed";

    /// <summary>The new binary did not connect in time (or could not start): the previous one is back.</summary>
    public const string RolledBack = "rolled-back";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpdateManifest))]
[JsonSerializable(typeof(UpdateState))]
internal sealed partial class UpdateJsonContext : JsonSerializerContext;
