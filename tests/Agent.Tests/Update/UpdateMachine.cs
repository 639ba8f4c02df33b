using System.Security.Cryptography;
using System.Text;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Agent.Update;
using Microsoft.Extensions.Time.Testing;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>
/// One machine's side of an update, in a temp folder: an installed "agent" (a tiny script that answers
/// <c>--version</c> like the real one, so the real probe runs it), the state folder with
/// <c>update.json</c>, the release key pair, the clock, and the real <see cref="Updater"/> built on them.
/// </summary>
internal sealed class UpdateMachine : IDisposable
{
    public const string InstalledVersion = "0.1.0";

    private readonly TempDirectory directory = new();

    public UpdateMachine()
    {
        Directory.CreateDirectory(directory.Combine("opt"));
        BinaryPath = directory.Combine("opt", "guruconnect-agent");
        OldBinary = Script(InstalledVersion);
        File.WriteAllBytes(BinaryPath, OldBinary);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(BinaryPath, (UnixFileMode)0b111_101_101);
        }

        StateFile = new UpdateStateFile(directory.Combine("state", "update.json"));
        Binary = new InstalledBinary(BinaryPath, "linux-x64", null);
        Key = new ReleaseKey(SigningKey.ExportSubjectPublicKeyInfo(), null);
    }

    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ReleaseKey Key { get; }

    public string BinaryPath { get; }

    public string PreviousPath => Binary.PreviousPath;

    public byte[] OldBinary { get; }

    public InstalledBinary Binary { get; }

    public UpdateStateFile StateFile { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 3, 1, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    public UpdateSettings Settings { get; init; } = new();

    /// <summary>A stand-in agent build: a shell script that prints its version for <c>--version</c>, as the real one does.</summary>
    public static byte[] Script(string version) => Encoding.UTF8.GetBytes($"#!/bin/sh\necho {version}\n");

    public Updater CreateUpdater(HttpClient http, ReleaseKey? key = null, string currentVersion = InstalledVersion) =>
        CreateUpdater(new UpdateClient(http), key, currentVersion);

    public Updater CreateUpdater(UpdateClient client, ReleaseKey? key = null, string currentVersion = InstalledVersion) =>
        new(client, key ?? Key, Binary, StateFile, new ProcessBinaryProbe(), Settings, Time, Logs.For<Updater>())
        {
            CurrentVersion = currentVersion,
        };

    public UpdateGuard CreateGuard(bool guardOnly = false) => new(StateFile, Binary, Time, Logs.For<UpdateGuard>()) { IsGuardOnly = guardOnly };

    public byte[] Installed => File.ReadAllBytes(BinaryPath);

    /// <summary>Nothing but the installed binary in its folder: no previous copy, no staging file left behind.</summary>
    public void ShouldBeUntouched()
    {
        Installed.ShouldBe(OldBinary);
        Directory.GetFiles(Path.GetDirectoryName(BinaryPath)!).Select(Path.GetFileName).ToArray().ShouldBe(["guruconnect-agent"]);
    }

    public static void SkipUnlessUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("The stand-in agent is a shell script; the Windows file moves are compiled for win-x64 but not run here.");
        }
    }

    public void Dispose()
    {
        SigningKey.Dispose();
        directory.Dispose();
    }
}
