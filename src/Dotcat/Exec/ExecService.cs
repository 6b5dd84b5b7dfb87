using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Exec;

/// <summary>
/// <c>-e</c>/<c>-c</c> (SPEC section 6): each connection joined to one new process. The relay's ending rules fit as
/// they are with the client as its local end: the client's EOF closes the process's stdin and the process's output
/// goes on; the end of that output ends the conversation once it is delivered; then the client is half-closed and
/// closed.
/// </summary>
internal sealed class ExecService(ExecCommand command, DotcatOptions options, Log log)
{
    public async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
    {
        await using var client = new ClientEnd(connection.Duplex);
        await using var process = ProcessDuplex.Start(command, Environment(connection));
        log.Info($"running '{command.FileName}' for {connection.Peer}", level: 2);

        // Closing the process's stdin at the client's EOF is what lets it finish, whatever --no-shutdown says.
        // Once the process's output has ended there is nobody left to send the client's bytes to: it ends at once.
        RelayOptions relay = PeerRelay.OptionsFor(options) with { HalfClose = true, AfterPeerEof = AfterPeerEof.End };
        RelayStats stats = await PeerRelay.RunAsync(client, process, connection.Peer, relay, cancellationToken);
        await client.CompleteWritesAsync();
        // The relay counts from the client's side; the summary speaks for dotcat, which sent what the process printed.
        log.Info(PeerRelay.Summary(stats.Received, stats.Sent, stats.Elapsed));
    }

    /// <summary>
    /// The client, where a reset reads as EOF: the process then sees its stdin close and can end, instead of waiting
    /// forever for a client that is gone (the relay ignores read failures, expecting the other side to fail too).
    /// </summary>
    private sealed class ClientEnd(Duplex client) : Duplex
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                return await client.ReadAsync(buffer, cancellationToken);
            }
            catch (SocketException)
            {
                return 0;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            client.WriteAsync(data, cancellationToken);

        public override ValueTask CompleteWritesAsync() => client.CompleteWritesAsync();

        public override ValueTask DisposeAsync() => client.DisposeAsync();
    }

    /// <summary>DOTCAT_* variables describing the connection, like ncat's NCAT_*.</summary>
    public static Dictionary<string, string> Environment(Connection connection)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTCAT_PROTO"] = connection.Protocol switch
            {
                Protocol.Tcp => "tcp",
                Protocol.Udp => "udp",
                _ => "unix",
            },
        };
        Describe(environment, "REMOTE", connection.RemoteEndPoint);
        Describe(environment, "LOCAL", connection.LocalEndPoint);
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
