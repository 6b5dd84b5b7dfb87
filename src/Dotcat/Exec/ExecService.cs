using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Text;
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
        await using var client = new ClientEnd(connection.Duplex, options.Toolbox.Crlf ? new CrlfTranslator() : null);
        await using var process = ProcessDuplex.Start(command, Environment(connection));
        log.Info($"running '{command.FileName}' for {connection.Peer}", level: 2);

        // Closing the process's stdin at the client's EOF is what lets it finish, whatever --no-shutdown says.
        // Once the process's output has ended there is nobody left to send the client's bytes to: it ends at once.
        RelayOptions relay = PeerRelay.OptionsFor(options) with { HalfClose = true, AfterPeerEof = AfterPeerEof.End };
        RelayStats stats = await PeerRelay.RunAsync(client, process, connection.Peer, relay, cancellationToken);
        await client.CompleteWritesAsync();
        // The relay counts from the client's side; the summary speaks for dotcat, which sent what the process printed.
        if (log.IsVerbose)
            log.Info(PeerRelay.Summary(stats.Received, stats.Sent, stats.Elapsed));
    }

    /// <summary>
    /// The client, where a reset reads as EOF: the process then sees its stdin close and can end, instead of waiting
    /// forever for a client that is gone (the relay ignores read failures, expecting the other side to fail too).
    /// With <c>-C</c>, what the process prints reaches the client with CRLF line ends, as ncat does.
    /// </summary>
    private sealed class ClientEnd(Duplex client, CrlfTranslator? crlf) : Duplex
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
            client.WriteAsync(crlf is null ? data : crlf.Translate(data), cancellationToken);

        public override ValueTask CompleteWritesAsync() => client.CompleteWritesAsync();

        public override ValueTask DisposeAsync() => client.DisposeAsync();
    }

    /// <summary>
    /// DOTCAT_* variables describing the connection, and ncat's own NCAT_* spelling of them (upper-case protocol;
    /// "localhost" and an empty port for a Unix socket), so scripts written for ncat run unchanged.
    /// </summary>
    public static Dictionary<string, string> Environment(Connection connection)
    {
        Dictionary<string, string> environment = DotcatEnvironment(connection);
        foreach (KeyValuePair<string, string> ncat in NcatEnvironment(connection))
            environment[ncat.Key] = ncat.Value;
        return environment;
    }

    private static Dictionary<string, string> NcatEnvironment(Connection connection)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NCAT_PROTO"] = connection.Protocol is Protocol.Udp or Protocol.UnixDatagram ? "UDP" : "TCP",
        };
        foreach ((string side, EndPoint? endPoint) in new[] { ("REMOTE", connection.RemoteEndPoint), ("LOCAL", connection.LocalEndPoint) })
        {
            (string address, string port) = endPoint is IPEndPoint ip
                ? (Endpoints.Unmapped(ip.Address).ToString(), ip.Port.ToString(CultureInfo.InvariantCulture))
                : ("localhost", "");
            environment[$"NCAT_{side}_ADDR"] = address;
            environment[$"NCAT_{side}_PORT"] = port;
        }
        return environment;
    }

    private static Dictionary<string, string> DotcatEnvironment(Connection connection)
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
