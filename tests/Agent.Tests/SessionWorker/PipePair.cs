using System.IO.Pipes;
using System.Security.Cryptography;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>
/// Two connected ends of a real named pipe (a Unix domain socket on Linux, what .NET's named pipes are
/// there): the worker protocol runs over exactly the stream type it runs over on Windows.
/// </summary>
internal sealed class PipePair : IDisposable
{
    private PipePair(NamedPipeServerStream service, NamedPipeClientStream worker)
    {
        Service = service;
        Worker = worker;
    }

    public NamedPipeServerStream Service { get; }

    public NamedPipeClientStream Worker { get; }

    public static string NewName() => "gcw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static async Task<PipePair> ConnectAsync()
    {
        var name = NewName();
        var service = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        var worker = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous);
        var accept = service.WaitForConnectionAsync(TestContext.Current.CancellationToken);
        await worker.ConnectAsync(TestContext.Current.CancellationToken);
        await accept;
        return new PipePair(service, worker);
    }

    public void Dispose()
    {
        Worker.Dispose();
        Service.Dispose();
    }
}
