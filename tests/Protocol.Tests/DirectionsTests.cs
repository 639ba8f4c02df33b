using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Protocol.Tests;

public sealed class DirectionsTests
{
    [Theory]
    [MemberData(nameof(Samples.AllCasesData), MemberType = typeof(Samples))]
    public void Every_payload_has_a_sender(Case payload)
    {
        // Fails when a message is added to the proto without a direction in Directions.Of.
        Directions.Of(payload).ShouldNotBe(MessageDirection.None);
        (Directions.IsAgentToServerOrViewer(payload) || Directions.IsViewerToAgent(payload) || Directions.IsServerOnly(payload))
            .ShouldBeTrue();
    }

    [Fact]
    public void An_unknown_payload_is_allowed_nowhere()
    {
        Case[] unknown = [Case.None, (Case)999];
        foreach (var payload in unknown)
        {
            Directions.Of(payload).ShouldBe(MessageDirection.None);
            Directions.IsAgentToServerOrViewer(payload).ShouldBeFalse();
            Directions.IsViewerToAgent(payload).ShouldBeFalse();
            Directions.IsServerOnly(payload).ShouldBeFalse();
            Directions.IsRelayed(payload).ShouldBeFalse();
        }
    }

    [Fact]
    public void Senders_are_exactly_what_spec_02_lists()
    {
        var agent = Samples.AllCases.Where(Directions.IsAgentToServerOrViewer).ToHashSet();
        var viewer = Samples.AllCases.Where(Directions.IsViewerToAgent).ToHashSet();
        var server = Samples.AllCases.Where(Directions.IsServerOnly).ToHashSet();

        agent.ShouldBe(
            [Case.AgentHello, Case.AgentStatus, Case.DisplayList, Case.VideoFrame, Case.CursorShape, Case.CursorPosition,
             Case.ClipboardText, Case.ChatMessage, Case.Ping, Case.Pong, Case.Disconnect],
            ignoreOrder: true);
        viewer.ShouldBe(
            [Case.SelectDisplay, Case.SelectAllDisplays, Case.KeyframeRequest, Case.FrameAck, Case.MouseInput, Case.KeyInput,
             Case.QualityRequest, Case.ClipboardText, Case.ChatMessage, Case.InputControlRequest, Case.Ping, Case.Pong, Case.Disconnect],
            ignoreOrder: true);
        server.ShouldBe(
            [Case.AgentKeyProvision, Case.ViewerJoined, Case.ViewerLeft, Case.SessionNotice, Case.InputControlState],
            ignoreOrder: true);
    }

    [Fact]
    public void Only_mouse_key_and_clipboard_input_need_control_and_count_against_the_input_rate()
    {
        // Clipboard text sets what the next paste types, so it is input too (docs/protocol.md "Input control").
        Samples.AllCases.Where(Directions.IsViewerInput).ShouldBe([Case.MouseInput, Case.KeyInput, Case.ClipboardText], ignoreOrder: true);
    }

    [Fact]
    public void Liveness_close_and_control_requests_stay_with_the_server()
    {
        // Both planes' Ping, Pong and Disconnect are per hop; the server answers them itself.
        Case[] serverConsumed = [Case.AgentHello, Case.AgentStatus, Case.Ping, Case.Pong, Case.Disconnect, Case.InputControlRequest];
        Samples.AllCases.Where(p => !Directions.IsRelayed(p) && !Directions.IsServerOnly(p)).ShouldBe(serverConsumed, ignoreOrder: true);
    }

    [Fact]
    public void No_sender_has_a_payload_that_is_both_relayed_and_server_consumed()
    {
        // The relay routes on IsRelayed alone; that is only sound if these never overlap.
        foreach (var payload in Samples.AllCases)
        {
            var direction = Directions.Of(payload);
            (direction.HasFlag(MessageDirection.AgentToServer) && direction.HasFlag(MessageDirection.AgentToViewer)).ShouldBeFalse();
            (direction.HasFlag(MessageDirection.ViewerToServer) && direction.HasFlag(MessageDirection.ViewerToAgent)).ShouldBeFalse();
        }
    }

    [Fact]
    public void Relayed_agent_messages_reach_viewers_and_relayed_viewer_messages_reach_the_agent()
    {
        Directions.Of(Case.VideoFrame).ShouldBe(MessageDirection.AgentToViewer);
        Directions.Of(Case.FrameAck).ShouldBe(MessageDirection.ViewerToAgent);
        Directions.Of(Case.ClipboardText).ShouldBe(MessageDirection.AgentToViewer | MessageDirection.ViewerToAgent);
        Directions.Of(Case.SessionNotice).ShouldBe(MessageDirection.ServerToAgent | MessageDirection.ServerToViewer);
        Directions.Of(Case.InputControlState).ShouldBe(MessageDirection.ServerToViewer);
    }
}
