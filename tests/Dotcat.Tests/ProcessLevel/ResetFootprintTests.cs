using System.Net;
using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// A client's reset costs a keep-open listener one line, not the stack-trace machinery. .NET's socket calls format a
/// trace for an error they get at once (the reset is already there when the call is made), which on the JIT build
/// loads System.Diagnostics.StackTrace, System.Reflection.Metadata and dotcat.pdb for the rest of the run (+11
/// descriptors). The mappings are looked for in /proc; a Native AOT build (DOTCAT_BIN) has none of them to load, so
/// these run against the JIT build only.
/// </summary>
public class ResetFootprintTests
{
    private static readonly string[] Machinery = ["System.Diagnostics.StackTrace", "System.Reflection.Metadata", ".pdb"];

    [JitBuildFact(Timeout = 60_000)]
    public async Task A_reset_seen_by_a_read_loads_no_stack_trace_machinery()
    {
        await using var listener = DotcatProcess.Start("-lk", "-v", "127.0.0.1", "0");
        int port = await listener.WaitForListeningPortAsync();

        using (var client = await ConnectAsync(port))
        {
            await listener.WaitForStderrAsync(l => l.Contains("connection from", StringComparison.Ordinal));
            Reset(client);
        }
        await listener.WaitForStderrAsync(l => l.EndsWith("failed: connection reset by peer", StringComparison.Ordinal));

        LoadedMachinery(listener.Id).ShouldBeEmpty();
    }

    [JitBuildFact(Timeout = 60_000)]
    public async Task A_reset_seen_by_a_send_loads_no_stack_trace_machinery()
    {
        // stdout never read: dotcat is stuck writing the client's bytes out, so it reads no more from the socket, and
        // learns of the reset only when it sends stdin's next line.
        await using var listener = DotcatProcess.Start(["-lk", "-v", "127.0.0.1", "0"], stdoutTarget: new NeverReads());
        int port = await listener.WaitForListeningPortAsync();

        using (var client = await ConnectAsync(port))
        {
            await listener.WaitForStderrAsync(l => l.Contains("connection from", StringComparison.Ordinal));
            FillUntilBlocked(client);
            Reset(client);
        }
        await listener.Stdin.WriteAsync("hello\n"u8.ToArray());
        await listener.Stdin.FlushAsync();
        await listener.WaitForStderrAsync(l => l.EndsWith("failed: connection reset by peer; 6 bytes of stdin not sent", StringComparison.Ordinal));

        LoadedMachinery(listener.Id).ShouldBeEmpty();
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    private static void Reset(Socket client)
    {
        client.LingerState = new LingerOption(true, 0);
        client.Close();
    }

    /// <summary>Sends until every buffer between the client and dotcat's unread stdout is full.</summary>
    private static void FillUntilBlocked(Socket client)
    {
        client.Blocking = false;
        byte[] chunk = new byte[64 * 1024];
        while (client.Send(chunk, SocketFlags.None, out SocketError error) > 0 || error == SocketError.Success)
        {
        }
    }

    private static string[] LoadedMachinery(int pid) =>
        [.. File.ReadLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => Machinery.Any(name => path.Contains(name, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)];

    /// <summary>A stdout reader that takes nothing: the pipe fills and dotcat's writes to stdout wait.</summary>
    private sealed class NeverReads : WriteOnlyStream
    {
        public override long Length => 0;

        public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
