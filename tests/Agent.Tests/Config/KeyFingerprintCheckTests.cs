using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Config;

/// <summary>
/// docs/agent.md "Config": <c>keyFingerprint</c> in agent.json is compared with the key it labels. A config
/// labelled <c>v1 (7F2A)</c> that holds another key is refused before anything is sent, so <c>status</c> and
/// the console never show a label that lies.
/// </summary>
public sealed class KeyFingerprintCheckTests : IDisposable
{
    private readonly TestAgent _agent = new();

    [Fact]
    public async Task A_config_whose_label_does_not_match_its_key_is_refused_with_the_fix()
    {
        // The server would accept this key: the test shows the agent stops before asking it.
        _agent.WriteConfig("""
            { "server": "http://127.0.0.1:9", "siteCode": "ACME-PHX",
              "enrollmentKey": "cek_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
              "keyFingerprint": "v1 (7F2A)" }
            """);

        var exit = await _agent.RunAsync("enroll");

        exit.ShouldBe(ExitCodes.ConfigInvalid);
        var message = _agent.Error.ToString() + _agent.Out;
        message.ShouldContain("v1 (7F2A)");
        message.ShouldContain("(96CC)");
        message.ShouldContain("installer");
        message.ShouldNotContain("cek_0011");
    }

    [Fact]
    public async Task A_matching_label_or_a_label_without_a_fingerprint_passes_the_check()
    {
        foreach (var label in new[] { "v3 (96CC)", "v3 (96cc)", "site key" })
        {
            _agent.WriteConfig($$"""
                { "server": "http://127.0.0.1:9", "siteCode": "ACME-PHX",
                  "enrollmentKey": "cek_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                  "keyFingerprint": "{{label}}" }
                """);

            // Port 9 answers nothing: the agent gets as far as trying the server.
            (await _agent.RunAsync("enroll")).ShouldBe(ExitCodes.ServerUnreachable, label);
        }
    }

    public void Dispose() => _agent.Dispose();
}
