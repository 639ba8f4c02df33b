using System.Diagnostics;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The real agent streaming an Xvfb display (<c>DISPLAY</c> set, nothing else faked but the hardware
/// tree), and the machine id the server gives it once it is online. Shared by the streaming end-to-end
/// tests, the browser viewer tests (tests/Console.Tests) and bench/Latency.
/// </summary>
internal static class XvfbAgent
{
    public static AgentProcess Start(FakeMachine machine, string display)
    {
        var agent = new AgentProcess(machine)
        {
            Launcher = AgentLauncher.Dotnet with { Environment = new Dictionary<string, string> { ["DISPLAY"] = display } },
        };
        agent.Start("run");
        return agent;
    }

    /// <summary>Polls the machine list until a machine is online; its id.</summary>
    public static async Task<Guid> OnlineMachineIdAsync(HttpClient admin, AgentProcess agent)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines?pageSize=50");
            foreach (var machine in page.GetProperty("items").EnumerateArray())
            {
                if (machine.GetProperty("online").GetBoolean())
                    return machine.GetProperty("id").GetGuid();
            }

            await Task.Delay(200);
        }

        throw new ShouldAssertException($"The agent never came online. Agent output:\n{agent.Output}");
    }
}
