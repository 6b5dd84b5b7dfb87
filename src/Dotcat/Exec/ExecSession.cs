using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Modes;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Exec;

/// <summary>
/// One connection joined to one new process (<c>-e</c>/<c>-c</c>, SPEC section 6). The relay's ending rules fit as they
/// are with the socket as its local end: the client's EOF closes the process's stdin and the process's output goes
/// on; the end of that output ends the session once it is delivered; then the socket is half-closed and closed.
/// </summary>
internal static class ExecSession
{
    /// <summary>
    /// Runs <paramref name="command"/> for <paramref name="client"/>'s connection; <paramref name="connection"/> is that
    /// connection as a byte channel when it is not a plain stream socket (a datagram socket connected to its peer).
    /// </summary>
    public static async Task RunAsync(
        Socket client, ExecCommand command, DotcatOptions options, Log log, CancellationToken cancellationToken, Duplex? connection = null)
    {
        string peer = Endpoints.Format(client.RemoteEndPoint);
        await using var socket = new ClientEnd(connection ?? new SocketDuplex(client));
        await using var process = ProcessDuplex.Start(command, Environment(client, options));
        log.Info($"running '{command.FileName}' for {peer}", level: 2);

        // Closing the process's stdin at the client's EOF is what lets it finish, whatever --no-shutdown says.
        // Once the process's output has ended there is nobody left to send the client's bytes to: no linger.
        RelayOptions relay = Session.RelayOptionsFor(options) with { HalfClose = true, Linger = TimeSpan.Zero };
        RelayStats stats;
        try
        {
            stats = await DuplexRelay.RunAsync(socket, process, relay, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new DotcatException($"connection with {peer} failed: {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        catch (DotcatException e) when (e.ExitCode == ExitCodes.Failure)
        {
            throw new DotcatException($"{peer}: {e.Message}", e.ExitCode, e);
        }
        await socket.CompleteWritesAsync();
        // The relay counts from the socket's side; the summary speaks for dotcat, which sent what the process printed.
        log.Info(Session.Summary(new RelayStats(stats.Received, stats.Sent, stats.Elapsed)));
    }

    /// <summary>
    /// The client's socket, where a reset reads as EOF: the process then sees its stdin close and can end, instead of
    /// waiting forever for a client that is gone (the relay ignores read failures, expecting the other side to fail too).
    /// </summary>
    private sealed class ClientEnd(Duplex socket) : Duplex
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                return await socket.ReadAsync(buffer, cancellationToken);
            }
            catch (SocketException)
            {
                return 0;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            socket.WriteAsync(data, cancellationToken);

        public override ValueTask CompleteWritesAsync() => socket.CompleteWritesAsync();

        public override ValueTask DisposeAsync() => socket.DisposeAsync();
    }

    /// <summary>DOTCAT_* variables describing the connection, like ncat's NCAT_*.</summary>
    public static Dictionary<string, string> Environment(Socket client, DotcatOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTCAT_PROTO"] = options.IsUnix ? "unix" : options.IsDatagram ? "udp" : "tcp",
        };
        Describe(environment, "REMOTE", client.RemoteEndPoint);
        Describe(environment, "LOCAL", client.LocalEndPoint);
        return environment;
    }

    private static void Describe(Dictionary<string, string> environment, string side, EndPoint? endPoint)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                IPAddress address = Endpoints.Unmapped(ip.Address);
                environment[$"DOTCAT_{side}_ADDR"] = address.ToString();
                environment[$"DOTCAT_{side}_PORT"] = ip.Port.ToString(CultureInfo.InvariantCulture);
                break;
            case not null:
                environment[$"DOTCAT_{side}_ADDR"] = UnixPaths.Display(endPoint);
                break;
        }
    }
}
