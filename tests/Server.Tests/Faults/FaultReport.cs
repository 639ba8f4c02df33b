using System.Globalization;
using System.Text;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// The numbers a fault run prints for the closing-note table (docs/security.md "Hardening findings"):
/// one Markdown row per run, plus the reconnect curve where agents came back.
/// </summary>
internal static class FaultReport
{
    public const string Header =
        "| run | db | agents held | reconnect p50 | p99 | last back | rows before → after | client-visible errors | recovery s |";

    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * p) - 1, 0, sorted.Count - 1)];

    public static string Row(string run, DbKind kind, string agentsHeld, IReadOnlyList<TimeSpan> back, string rows, string errors, double recoverySeconds)
    {
        var sorted = back.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {run} | {kind} | {agentsHeld} | {Ms(Percentile(sorted, 0.50))} | {Ms(Percentile(sorted, 0.99))} | {Ms(sorted.LastOrDefault())} | {rows} | {errors} | {recoverySeconds:F1} |");
    }

    /// <summary>The share of agents back at each whole second: "1 s 12 % · 2 s 61 % · …".</summary>
    public static string Curve(IReadOnlyList<TimeSpan> back)
    {
        if (back.Count == 0)
        {
            return "no agents";
        }

        var text = new StringBuilder("reconnect curve (share back by second since the restart began):");
        var last = (int)Math.Ceiling(back.Max().TotalSeconds);
        for (var second = 1; second <= last; second++)
        {
            var share = back.Count(t => t.TotalSeconds <= second) * 100.0 / back.Count;
            text.Append(CultureInfo.InvariantCulture, $" {second} s {share:F0} %");
            if (second < last)
            {
                text.Append(" ·");
            }
        }

        return text.ToString();
    }

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:F0} ms");
}
