using System.Diagnostics;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The Windows agent build (win-x64 self-contained) under wine64 against the real server: it
/// enrolls (WMI, registry MachineGuid, DPAPI machine scope as wine provides them), connects to the
/// relay and reports inventory. Service control, SendInput and DXGI are not exercised here.
/// </summary>
[Collection(SharedWinePrefix.Name)]
public sealed class WindowsAgentUnderWineTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_windows_build_enrolls_and_comes_online(DbKind db)
    {
        var launcher = AgentLauncher.WineOrSkip();
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("WINE-LAB");
        using var machine = new FakeMachine();
        machine.WriteConfig(server.BaseAddress, site);
        await using var agent = new AgentProcess(machine) { Launcher = launcher };

        var (exit, output) = await agent.RunToEndAsync("enroll");
        exit.ShouldBe(0, output);
        output.ShouldContain("Enrolled as machine");
        File.Exists(Path.Combine(agent.StateDirectory, "agent.cak")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(agent.StateDirectory, "agent.cak")).ShouldNotContain("cak_");

        agent.Start("run");
        var started = Stopwatch.GetTimestamp();
        JsonElement machineJson = default;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(90))
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines");
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } m && m.GetProperty("online").GetBoolean()
                && m.GetProperty("inventory").GetProperty("osName").ValueKind == JsonValueKind.String)
            {
                machineJson = m;
                break;
            }

            await Task.Delay(500);
        }

        machineJson.ValueKind.ShouldBe(JsonValueKind.Object, agent.Output);
        machineJson.GetProperty("inventory").GetProperty("osName").GetString().ShouldBe("Windows");
    }
}
