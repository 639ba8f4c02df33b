using GuruConnect.Agent.Tests.Streaming.X11;
using GuruConnect.Protocol.V1;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>The pointer end to end: the real agent reads it from a real Xvfb (XFixes, XQueryPointer) and a viewer gets its shape and position.</summary>
public sealed class StreamingCursorTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_gets_the_pointer_shape_and_its_position_after_it_moves(DbKind db)
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(640, 480);
        await using var scenario = await AgentScenario.StartAsync(db);
        await using var agent = await StreamingTests.StartAgentAsync(scenario, xvfb);
        await using var viewer = await FakeViewer.ConnectAsync(scenario.Server, scenario.Admin, await StreamingTests.MachineIdAsync(scenario, agent));
        viewer.AckFrames();

        var shape = (await viewer.ReceiveAsync(Envelope.PayloadOneofCase.CursorShape, TimeSpan.FromSeconds(30))).CursorShape;
        shape.Id.ShouldNotBe(0u);
        shape.Rgba.Length.ShouldBe((int)(shape.W * shape.H * 4));
        shape.Rgba.Span.ToArray().Where((_, i) => i % 4 == 3).ShouldContain(a => a != 0, "the X root cursor is not blank");
        await viewer.ReceiveAsync(Envelope.PayloadOneofCase.CursorPosition, TimeSpan.FromSeconds(10));

        // The controlling viewer moves the mouse (XTest motion on the desktop): the pointer's new place comes back.
        await viewer.SendAsync(new Envelope { MouseInput = new MouseInput { X = 321, Y = 234 } });
        var moved = await viewer.Peer.ReceiveAsync(e => e.CursorPosition is { X: 321, Y: 234 }, TimeSpan.FromSeconds(10));
        moved.CursorPosition.Visible.ShouldBeTrue();
    }
}
