using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>The capture-compare-encode path on an in-memory screen, checked by decoding like a viewer.</summary>
public sealed class TileEncoderTests
{
    private const uint DisplayId = 1;

    [Fact]
    public void PartEnd_SharesTheDirtyRowsOutEvenly_AndNeverPassesTheMessageCap()
    {
        var full = new TileMap(1920, 1080);
        full.SetAll();
        var ends = new List<int>();
        for (var row = 0; row < full.Rows; row = ends[^1])
            ends.Add(TileEncoder.PartEnd(full, row, 2 * 1024 * 1024));
        ends.ShouldBe([5, 9, 13, 17]); // not 4, 4, 4, 4 and a last row alone

        var sparse = new TileMap(1920, 1080);
        sparse.Set(3, 2);
        sparse.Set(29, 14);
        TileEncoder.PartEnd(sparse, 0, 2 * 1024 * 1024).ShouldBe(sparse.Rows, "a small change is one part");

        var wide = new TileMap(7680, 4320); // 8K: a tile row is 1.9 MiB of pixels
        wide.SetAll();
        for (var row = 0; row < wide.Rows;)
        {
            var end = TileEncoder.PartEnd(wide, row, long.MaxValue);
            end.ShouldBeGreaterThan(row);
            ((end - row) * 7680L * 64 * 4).ShouldBeLessThanOrEqualTo(TileEncoder.MaxPartBytes);
            row = end;
        }
    }

    [Fact]
    public void Keyframe_OfAnOddSizedScreen_ReconstructsPixelForPixel()
    {
        using var rig = new Rig(203, 131);
        rig.Screen.Noise(1);
        rig.Screen.Fill(new PixelRect(0, 0, 64, 64), 0xFF336699); // one solid tile

        var frame = rig.Step(keyframe: true);

        frame.Keyframe.ShouldBeTrue();
        frame.Tiles.ShouldContain(t => t.Encoding == TileEncoding.Solid && t.X == 0 && t.Y == 0);
        frame.Tiles.ShouldContain(t => t.Encoding == TileEncoding.ZstdRgba);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void OnePixelChange_SendsOnlyThatPixel_ToAViewerThatWasUpToDate()
    {
        using var rig = new Rig(640, 480);
        rig.Screen.Noise(2);
        rig.Step(keyframe: true);

        rig.Screen.Pixels()[((300 * 640) + 200) * 4] ^= 0xFF;
        var frame = rig.Step();

        frame.Tiles.Count.ShouldBe(1);
        frame.Tiles[0].ShouldSatisfyAllConditions(
            t => t.X.ShouldBe(200u),
            t => t.Y.ShouldBe(300u),
            t => t.W.ShouldBe(1u),
            t => t.H.ShouldBe(1u));
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void ChangesMergedOverTwoCaptures_SendWholeTiles()
    {
        using var rig = new Rig(640, 480);
        rig.Screen.Noise(20);
        var laggard = new ViewerDisplay(rig.Display) { KeyframePending = true };
        var late = new ViewerCanvas();
        rig.Step(keyframe: true);
        late.Apply(rig.Send(laggard));
        rig.Laggards.Add(laggard);

        rig.Screen.Pixels()[((300 * 640) + 200) * 4] ^= 0xFF; // both in tile (3, 4), a capture apart
        rig.Step();
        rig.Screen.Pixels()[((260 * 640) + 250) * 4] ^= 0xFF;
        rig.Step();
        var frame = rig.Send(laggard);
        late.Apply(frame);

        frame.Tiles.Select(t => (t.X, t.Y, t.W, t.H)).ShouldBe([(192u, 256u, 64u, 64u)]);
        late.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void TrimmedRuns_CoverEveryChangedPixel_OverManyRandomEdits()
    {
        using var rig = new Rig(333, 200);
        rig.Screen.Noise(21);
        rig.Step(keyframe: true);
        var random = new Random(22);
        for (var step = 0; step < 60; step++)
        {
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                var x = random.Next(333);
                var y = random.Next(200);
                var w = Math.Min(random.Next(1, 90), 333 - x);
                var h = Math.Min(random.Next(1, 40), 200 - y);
                rig.Screen.Fill(new PixelRect(x, y, w, h), 0xFF000000u | (uint)random.Next(1 << 24));
            }

            rig.Step();
            rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue($"after step {step}");
        }
    }

    [Fact]
    public void AdjacentChangedTiles_BecomeOneRectangle()
    {
        using var rig = new Rig(640, 480);
        rig.Screen.Noise(3);
        rig.Step(keyframe: true);

        var random = new Random(4);
        for (var x = 10; x < 300; x++)
            rig.Screen.Pixels()[((100 * 640) + x) * 4] = (byte)random.Next(256);
        var frame = rig.Step();

        frame.Tiles.Count.ShouldBe(1);
        frame.Tiles.Single().ShouldSatisfyAllConditions(t => t.X.ShouldBe(10u), t => t.W.ShouldBe(290u), t => t.H.ShouldBe(1u));
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void NothingChanged_SendsNothing()
    {
        using var rig = new Rig(640, 480);
        rig.Screen.Noise(5);
        rig.Step(keyframe: true);

        rig.Display.Ingest(rig.Capture(), detectScroll: true).ShouldBeFalse();
    }

    [Fact]
    public void DamageHints_LimitTheCompareToDamagedTiles()
    {
        using var rig = new Rig(640, 480);
        rig.Screen.ReportsDamage = true;
        rig.Screen.Noise(6);
        rig.Step(keyframe: true);

        // A change the source did not report is not looked for (that is the point of the hint)...
        rig.Screen.Pixels()[0] ^= 0xFF;
        rig.Display.Ingest(rig.Capture(), detectScroll: true).ShouldBeFalse();

        // ...and a reported one is found, down to the pixel.
        rig.Screen.Pixels()[((200 * 640) + 400) * 4] ^= 0xFF;
        rig.Screen.Damage(new PixelRect(390, 190, 20, 20));
        var frame = rig.Step();
        frame.Tiles.Select(t => (t.X, t.Y)).ShouldBe([(400u, 200u)]);
    }

    [Fact]
    public void Scroll_IsSentAsCopyRectAndTheNewRows()
    {
        using var rig = new Rig(1280, 720);
        var page = new byte[1280 * 2000 * 4];
        new Random(7).NextBytes(page);
        ShowPage(rig.Screen, page, top: 0);
        rig.Step(keyframe: true);

        ShowPage(rig.Screen, page, top: 38);
        var frame = rig.Step();

        frame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);
        frame.Tiles[0].SrcY.ShouldBe(frame.Tiles[0].Y + 38);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        // Only the bottom band of new rows is re-sent: noise compresses to its raw size, so the
        // bytes are about 38 + 64 rows, not the whole screen.
        rig.Canvas.LastBytes.ShouldBeLessThan(1280 * 4 * 128 + 4096);
    }

    [Fact]
    public void ScrollUp_IsSentAsCopyRectToo()
    {
        using var rig = new Rig(640, 480);
        var page = new byte[640 * 1000 * 4];
        new Random(8).NextBytes(page);
        ShowPage(rig.Screen, page, top: 100);
        rig.Step(keyframe: true);

        ShowPage(rig.Screen, page, top: 60);
        var frame = rig.Step();

        frame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);
        ((int)frame.Tiles[0].SrcY - (int)frame.Tiles[0].Y).ShouldBe(-40);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void DraggedWindow_IsSentAsCopyRectFromItsOldPlace()
    {
        using var rig = new Rig(1280, 720);
        var window = new byte[400 * 300 * 4];
        new Random(11).NextBytes(window);
        void Show(int left, int top) => ShowWindow(rig.Screen, window, left, top);

        Show(100, 100);
        rig.Step(keyframe: true);
        Show(137, 121);
        var frame = rig.Step();

        var copy = frame.Tiles[0];
        copy.Encoding.ShouldBe(TileEncoding.CopyRect);
        ((int)copy.SrcX - (int)copy.X, (int)copy.SrcY - (int)copy.Y).ShouldBe((-37, -21));
        (copy.W * copy.H).ShouldBeGreaterThan(390u * 290);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        // The window's 400×300 of noise is not re-sent: only the tiles at its edges and the desktop it uncovered.
        rig.Canvas.LastBytes.ShouldBeLessThan(400 * 300 * 4 / 2);
        // The reference moved with the viewer: the unchanged screen is not found different afterwards.
        rig.Display.Ingest(rig.Capture(), detectScroll: true).ShouldBeFalse();
    }

    [Fact]
    public void DraggedWindow_OverText_IsMovedWhole_AndStaysPixelExact()
    {
        // A terminal window dragged over a full-screen terminal (bench/Codec "window drag"): blank cells
        // match blank cells at the displacement beside and below the window, and words repeat, so a probe
        // occurs at several places and the rows along it run on past the window.
        using var rig = new Rig(1280, 720);
        string[] names = ["gcc", "ssl", "z", "crypt", "ffi", "gmp", "mpfr", "m", "pthread"];
        string[] desktop = [.. Enumerable.Range(0, 42).Select(i => $"lrwxrwxrwx 1 root root {i * 13 % 97,3} Jan {1 + (i % 28),2} x86_64-linux-gnu-{names[i % 9]}" + (i % 3 == 0 ? " -> ../lib" : ""))];
        string[] window = [.. Enumerable.Range(0, 27).Select(i => $"lib{names[i % 9]}.so.{i}  lib{names[i * 5 % 9]}-{i * 37}.so" + (i % 2 == 0 ? $"  lib{names[i * 7 % 9]}.a" : ""))];
        void Show(int left, int top)
        {
            DrawText(rig.Screen, new PixelRect(0, 0, 1280, 720), desktop, 0xFFFFFFFF, 0xFF000000);
            DrawText(rig.Screen, new PixelRect(left, top, 740, 460), window, 0xFF604020, 0xFFE0E0E0);
        }

        Show(100, 100);
        rig.Step(keyframe: true);
        for (var i = 1; i <= 4; i++)
        {
            Show(100 + (i * 14), 100 + (i * 6));
            var frame = rig.Step();

            var copy = frame.Tiles[0];
            copy.Encoding.ShouldBe(TileEncoding.CopyRect, $"frame {i}");
            ((int)copy.SrcX - (int)copy.X, (int)copy.SrcY - (int)copy.Y).ShouldBe((-14, -6));
            copy.X.ShouldBeLessThanOrEqualTo((uint)(100 + (i * 14)), $"frame {i}: the window's left edge moves too");
            (copy.W * copy.H).ShouldBeGreaterThan(730u * 450, $"frame {i}");
            rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue($"frame {i}");
            // What is left is the text the window uncovered: 14 + 6 px strips, not the window again.
            rig.Canvas.LastBytes.ShouldBeLessThan(((14 * 460) + (6 * 740)) * 4 / 2, $"frame {i}");
        }
    }

    [Fact]
    public void CutRun_WhoseTilesChangedDifferentRows_GoesAsTwoSmallRectangles()
    {
        // A column changed down one tile and a strip of a few rows across the next eleven: one box over
        // both would carry 700 × 56 unchanged pixels of noise.
        using var rig = new Rig(1280, 200);
        rig.Screen.Noise(30);
        rig.Step(keyframe: true);

        rig.Screen.Fill(new PixelRect(10, 0, 10, 60), 0xFF112233);
        rig.Screen.Fill(new PixelRect(64, 0, 704, 4), 0xFF445566);
        var frame = rig.Step();

        frame.Tiles.Sum(t => t.W * t.H).ShouldBeLessThan((10u * 60) + (704 * 4) + (64 * 4));
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void CutRun_WhoseTilesChangedRowsDifferALittle_StaysOneRectangle()
    {
        // A line of text where one glyph is taller: splitting would cost a zstd frame to save a few rows.
        using var rig = new Rig(640, 200);
        rig.Screen.Noise(31);
        rig.Step(keyframe: true);

        rig.Screen.Fill(new PixelRect(5, 0, 50, 30), 0xFF112233);
        rig.Screen.Fill(new PixelRect(64, 0, 50, 12), 0xFF445566);
        var frame = rig.Step();

        frame.Tiles.Select(t => (t.X, t.Y, t.W, t.H)).ShouldBe([(5u, 0u, 109u, 30u)]);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void ScrollWithAChangedLineInside_StaysPixelExact()
    {
        using var rig = new Rig(640, 480);
        var page = new byte[640 * 1000 * 4];
        new Random(12).NextBytes(page);
        ShowPage(rig.Screen, page, top: 0);
        rig.Step(keyframe: true);

        ShowPage(rig.Screen, page, top: 50);
        rig.Screen.Fill(new PixelRect(0, 200, 640, 3), 0xFF00FF00); // a highlighted line that did not scroll
        var frame = rig.Step();

        frame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        rig.Display.Ingest(rig.Capture(), detectScroll: true).ShouldBeFalse();
    }

    [Fact]
    public void SteadyScroll_RepeatsThePreviousMove_AndStaysPixelExact()
    {
        using var rig = new Rig(640, 480);
        var page = new byte[640 * 2000 * 4];
        new Random(13).NextBytes(page);
        ShowPage(rig.Screen, page, top: 0);
        rig.Step(keyframe: true);

        for (var i = 1; i <= 4; i++)
        {
            ShowPage(rig.Screen, page, top: i * 34);
            var frame = rig.Step();

            frame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);
            ((int)frame.Tiles[0].SrcY - (int)frame.Tiles[0].Y).ShouldBe(34);
            rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
            // The destination is the whole screen but the bottom rows: one tile row of new rows is sent.
            rig.Canvas.LastBytes.ShouldBeLessThan(640 * 4 * 128 + 4096);
        }

        rig.Display.Ingest(rig.Capture(), detectScroll: true).ShouldBeFalse(); // the scroll stopped: nothing to send
    }

    [Fact]
    public void Repeat_OfTheSameMove_ProvesItWithoutSearch_AndRefusesAnotherSpeedOrAStill()
    {
        const int Width = 640, Height = 480;
        var page = new byte[Width * 2000 * 4];
        new Random(14).NextBytes(page);
        var reference = page.AsSpan(0, Width * Height * 4).ToArray(); // the screen at top 0
        var previous = new ScrollMove(0, 0, Width, Height - 34, 0, 34); // it scrolled 34 rows to get here
        CapturedFrame At(int top) => new(page.AsSpan(top * Width * 4, Width * Height * 4), Width, Height, Width * 4, default, damageKnown: false);

        var untouched = reference.ToArray();
        MoveDetector.Repeat(reference, Width * 4, At(50), previous).ShouldBeNull(); // another speed
        reference.ShouldBe(untouched);
        MoveDetector.Repeat(reference, Width * 4, At(0), previous).ShouldBeNull(); // it stopped
        reference.ShouldBe(untouched);

        var flat = new byte[Width * Height * 4];
        Array.Fill(flat, (byte)0x40);
        var flatCopy = flat.ToArray();
        MoveDetector.Repeat(flat, Width * 4, new CapturedFrame(flatCopy, Width, Height, Width * 4, default, damageKnown: false), previous)
            .ShouldBeNull(); // a still, flat screen matches any displacement: still not a move

        var move = MoveDetector.Repeat(reference, Width * 4, At(34), previous);

        move.ShouldBe(previous);
        // The rows it covers are now the capture's: the caller compares only the rest.
        reference.AsSpan(0, (Height - 34) * Width * 4).SequenceEqual(page.AsSpan(34 * Width * 4, (Height - 34) * Width * 4)).ShouldBeTrue();
    }

    [Fact]
    public void SteadyDrag_RepeatsTheMoveAlongWithTheWindow()
    {
        using var rig = new Rig(1280, 720);
        var window = new byte[400 * 300 * 4];
        new Random(15).NextBytes(window);
        void Show(int left, int top) => ShowWindow(rig.Screen, window, left, top);

        Show(100, 100);
        rig.Step(keyframe: true);
        for (var i = 1; i <= 4; i++)
        {
            Show(100 + (i * 14), 100 + (i * 6));
            var frame = rig.Step();

            var copy = frame.Tiles[0];
            copy.Encoding.ShouldBe(TileEncoding.CopyRect);
            ((int)copy.SrcX - (int)copy.X, (int)copy.SrcY - (int)copy.Y).ShouldBe((-14, -6));
            (copy.W * copy.H).ShouldBeGreaterThan(390u * 290);
            rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        }
    }

    [Fact]
    public void ViewerThatMissedRepeatedDrags_IsBroughtUpToDateByOneFrame()
    {
        using var rig = new Rig(1280, 720);
        var window = new byte[400 * 300 * 4];
        new Random(17).NextBytes(window);
        void Show(int left, int top) => ShowWindow(rig.Screen, window, left, top);

        Show(100, 100);
        var laggard = new ViewerDisplay(rig.Display) { KeyframePending = true };
        var late = new ViewerCanvas();
        rig.Step(keyframe: true);
        late.Apply(rig.Send(laggard));
        rig.Laggards.Add(laggard);

        for (var i = 1; i <= 5; i++)
        {
            Show(100 + (i * 40), 100 + (i * 24)); // 200 × 120 in all: beyond the tiles the first move touched
            rig.Step();
        }

        late.Apply(rig.Send(laggard));

        late.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void ViewerThatMissedRepeatedMoves_IsBroughtUpToDateByOneFrame()
    {
        using var rig = new Rig(640, 480);
        var page = new byte[640 * 2000 * 4];
        new Random(16).NextBytes(page);
        ShowPage(rig.Screen, page, top: 0);
        var laggard = new ViewerDisplay(rig.Display) { KeyframePending = true };
        var late = new ViewerCanvas();
        rig.Step(keyframe: true);
        late.Apply(rig.Send(laggard));
        rig.Laggards.Add(laggard);

        for (var i = 1; i <= 4; i++)
        {
            ShowPage(rig.Screen, page, top: i * 34);
            rig.Step(); // the up-to-date viewer gets each move; the laggard only merges them
        }

        late.Apply(rig.Send(laggard));

        late.Matches(rig.Screen.Pixels()).ShouldBeTrue();
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AFullScreenChange_CompressedOnTwoThreads_ReconstructsPixelForPixel()
    {
        using var rig = new Rig(1920, 1080);
        rig.Screen.Noise(40);
        rig.Step(keyframe: true).Tiles.Count(t => t.Encoding == TileEncoding.ZstdRgba).ShouldBe(17);
        rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue();

        for (var i = 0; i < 4; i++)
        {
            rig.Screen.Noise(41 + i);
            rig.Screen.Fill(new PixelRect(64 * i, 64, 64, 64), 0xFF336699); // a solid tile among the runs
            var frame = rig.Step();

            frame.Tiles.ShouldContain(t => t.Encoding == TileEncoding.Solid);
            frame.Tiles.Sum(t => (long)t.W * t.H).ShouldBe(1920L * 1080);
            rig.Canvas.Matches(rig.Screen.Pixels()).ShouldBeTrue($"change {i}");
        }
    }

    [Fact]
    public void SteadyState_CaptureCompareAndEncode_AllocateNothing()
    {
        using var rig = new Rig(1920, 1080);
        rig.Screen.Noise(9);
        var page = new byte[1920 * 1300 * 4];
        new Random(10).NextBytes(page);
        rig.Step(keyframe: true);
        var dirty = new TileMap(1920, 1080);
        var tiles = new List<EncodedTile>(1024);

        void Frame(int i)
        {
            if (i % 10 == 5)
                ShowPage(rig.Screen, page, top: 200 + (i % 20)); // a new screen: compressed on two threads
            else if (i % 2 == 0)
                rig.Screen.Pixels()[((500 * 1920) + (i * 8)) * 4] ^= 0xFF; // a keystroke
            else
                ShowPage(rig.Screen, page, top: i); // a scroll
            if (rig.Display.Ingest(rig.Capture(), detectScroll: true))
            {
                dirty.CopyFrom(rig.Display.Changed);
                tiles.Clear();
                for (var row = 0; row < dirty.Rows;)
                    row = rig.Encoder.Encode(rig.Display, dirty, tiles, firstRow: row);
            }
        }

        for (var i = 0; i < 100; i++)
            Frame(i); // warm: pools, arenas, JIT tiers
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 140; i++)
            Frame(i);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.ShouldBe(0);
    }

    private static void ShowPage(FakeScreen screen, byte[] page, int top)
    {
        var d = screen.Display();
        var rowBytes = (int)d.Width * 4;
        page.AsSpan(top * rowBytes, rowBytes * (int)d.Height).CopyTo(screen.Pixels());
        screen.Damage(new PixelRect(0, 0, (int)d.Width, (int)d.Height));
    }

    /// <summary>A 400×300 window of noise at (left, top) over a smooth background, drawn afresh.</summary>
    private static void ShowWindow(FakeScreen screen, byte[] window, int left, int top)
    {
        var d = screen.Display();
        int width = (int)d.Width, height = (int)d.Height;
        var pixels = screen.Pixels();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
                BitConverter.TryWriteBytes(pixels.AsSpan(((y * width) + x) * 4), 0xFF000000u | (uint)(y / 9) << 8 | (uint)(x / 7));
        }

        for (var y = 0; y < 300; y++)
            window.AsSpan(y * 400 * 4, 400 * 4).CopyTo(pixels.AsSpan((((top + y) * width) + left) * 4));
    }

    /// <summary>
    /// Lines of text in a 9×17 cell as a terminal draws them over <paramref name="area"/>'s background:
    /// each character a fixed pattern of its own, spaces blank.
    /// </summary>
    private static void DrawText(FakeScreen screen, PixelRect area, string[] lines, uint background, uint ink)
    {
        screen.Fill(area, background);
        for (var line = 0; line < lines.Length && ((line + 1) * 17) <= area.Height; line++)
        {
            for (var column = 0; column < lines[line].Length && ((column + 1) * 9) <= area.Width; column++)
            {
                var c = lines[line][column];
                if (c == ' ')
                    continue;
                var bits = (ulong)c * 0x9E3779B97F4A7C15UL;
                for (var y = 0; y < 11; y++)
                {
                    for (var x = 0; x < 7; x++)
                    {
                        if (((bits >> (((y * 7) + x) % 64)) & 1) != 0)
                            screen.Fill(new PixelRect(area.X + (column * 9) + 1 + x, area.Y + (line * 17) + 3 + y, 1, 1), ink);
                    }
                }
            }
        }
    }

    /// <summary>One display's encoder and a viewer that decodes what it produces.</summary>
    private sealed class Rig(int width, int height) : IDisposable
    {
        private readonly List<EncodedTile> tiles = [];
        private ulong seq;

        public FakeScreen Screen { get; } = new(width, height);

        public DisplayStream Display { get; } = new(DisplayId, width, height);

        public TileEncoder Encoder { get; } = new();

        public ViewerCanvas Canvas { get; } = new();

        public CapturedFrame Capture() => Screen.Capture(DisplayId);

        /// <summary>Viewers that absorb every capture but are sent a frame only when a test says so (<see cref="Send"/>).</summary>
        public List<ViewerDisplay> Laggards { get; } = [];

        /// <summary>Capture, compare, encode, and let the viewer apply the frame.</summary>
        public VideoFrame Step(bool keyframe = false)
        {
            var view = new ViewerDisplay(Display) { KeyframePending = keyframe };
            if (Display.Ingest(Capture(), detectScroll: true))
            {
                view.Absorb();
                foreach (var laggard in Laggards)
                    laggard.Absorb();
            }

            var frame = Send(view);
            Canvas.Apply(frame);
            return frame;
        }

        /// <summary>The frame that brings <paramref name="view"/> up to date, as StreamPump builds it.</summary>
        public VideoFrame Send(ViewerDisplay view)
        {
            var keyframe = view.KeyframePending;
            if (keyframe)
                view.Dirty.SetAll();
            var frame = new VideoFrame { DisplayId = DisplayId, Seq = ++seq, Width = (uint)width, Height = (uint)height, Keyframe = keyframe };
            if (view.PendingMove is { } move)
                frame.Tiles.Add(new Tile { X = (uint)move.X, Y = (uint)move.Y, W = (uint)move.Width, H = (uint)move.Height, Encoding = TileEncoding.CopyRect, SrcX = (uint)move.SourceX, SrcY = (uint)move.SourceY });
            tiles.Clear();
            for (var row = 0; row < view.Dirty.Rows;)
                row = Encoder.Encode(Display, view.Dirty, tiles, exact: view.Exact && !keyframe, firstRow: row); // one message here: every part
            foreach (var t in tiles)
                frame.Tiles.Add(new Tile { X = (uint)t.X, Y = (uint)t.Y, W = (uint)t.Width, H = (uint)t.Height, Encoding = t.Encoding, Data = Google.Protobuf.ByteString.CopyFrom(t.Data.Span) });
            view.Dirty.Clear();
            view.Exact = false;
            view.PendingMove = null;
            view.KeyframePending = false;
            return frame;
        }

        public void Dispose()
        {
            Display.Dispose();
            Encoder.Dispose();
        }
    }
}
