using System.Reflection;
using System.Text.RegularExpressions;
using GuruConnect.Agent.Enrollment;

namespace GuruConnect.Agent.Tests.Enrollment;

/// <summary>
/// Agent messages send people to console pages and buttons (<see cref="ConsolePaths"/>): each step must be a
/// menu entry or button text the console (src/Web/src) really renders, and no agent message writes its own path.
/// </summary>
public sealed partial class ConsoleWordingTests
{
    public static TheoryData<string> Paths() =>
        [.. typeof(ConsolePaths).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!)];

    [Theory, MemberData(nameof(Paths))]
    public void Every_step_of_a_console_path_the_agent_names_is_text_the_console_renders(string path)
    {
        var console = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Web", "src"), "*.tsx", SearchOption.AllDirectories)
            .Select(File.ReadAllText));

        foreach (var step in path.Split(" → "))
        {
            // JSX text (>Step<, across lines too) or a string literal rendered as a label ("Step").
            Regex.IsMatch(console, $@"(>\s*|""){Regex.Escape(step)}(\s*<|"")").ShouldBeTrue($"\"{step}\" of \"{path}\" is not rendered by the console (src/Web/src)");
        }
    }

    [Fact]
    public void Agent_messages_name_console_paths_only_through_ConsolePaths()
    {
        var agent = Path.Combine(RepositoryRoot(), "src", "Agent");
        var offenders = Directory.EnumerateFiles(agent, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "ConsolePaths.cs" && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(l => ConsoleArrow().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(agent, l.f)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();

        offenders.ShouldBeEmpty();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GuruConnect.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GuruConnect.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(Sites|Machines|Sessions|Users|Support codes|Audit log|API tokens)\s*(→|->)")]
    private static partial Regex ConsoleArrow();
}
