using System.Diagnostics;
using System.Reflection;
using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

/// <summary>
/// C# bytes decode in the TypeScript (protobuf-es) build of the same .proto, and the bytes
/// TypeScript writes back decode in C# to the same message: the viewer and the agent agree.
/// Needs node and <c>npm ci</c> in tests/Protocol.Tests/typescript (scripts/test.sh does both).
/// </summary>
public sealed class TypeScriptRoundTripTests
{
    [Fact]
    public async Task Every_payload_round_trips_through_the_typescript_build()
    {
        var directory = TypeScriptDirectory();
        await RunNodeAsync(directory, "generate.mjs", Protoc());
        var samples = Samples.All.ToList();
        var input = Path.Combine(Path.GetTempPath(), $"gc-ts-{Guid.NewGuid():N}.in");
        var output = Path.ChangeExtension(input, ".out");
        try
        {
            await File.WriteAllLinesAsync(input, samples.Select(s => Convert.ToHexStringLower(s.ToByteArray())), TestContext.Current.CancellationToken);
            await RunNodeAsync(directory, "roundtrip.mjs", input, output);
            var lines = (await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken)).Where(l => l.Length > 0).ToList();

            lines.Count.ShouldBe(samples.Count);
            for (var i = 0; i < samples.Count; i++)
            {
                var parts = lines[i].Split('\t');
                parts[0].ShouldNotBe("none", $"TypeScript did not see the payload of {samples[i].PayloadCase}");
                var back = Envelope.Parser.ParseFrom(Convert.FromHexString(parts[1]));
                back.ShouldBe(samples[i], $"{samples[i].PayloadCase} changed on its way through TypeScript");
            }
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    private static string TypeScriptDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Protocol.Tests", "typescript");
            if (Directory.Exists(candidate))
            {
                if (!Directory.Exists(Path.Combine(candidate, "node_modules", "@bufbuild")))
                {
                    SkipOrFail($"run `npm ci` in {candidate} (scripts/test.sh does).");
                }

                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Protocol.Tests/typescript not found above " + AppContext.BaseDirectory);
    }

    private static string Protoc() =>
        typeof(TypeScriptRoundTripTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Protoc").Value!;

    private static async Task RunNodeAsync(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            SkipOrFail("node is not installed (scripts/test.sh installs nodejs).");
            throw;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            process.ExitCode.ShouldBe(0, await stderr);
        }
    }

    private static void SkipOrFail(string reason)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail("TypeScript round trip cannot run: " + reason);
        }

        Assert.Skip("TypeScript round trip cannot run: " + reason);
    }
}
