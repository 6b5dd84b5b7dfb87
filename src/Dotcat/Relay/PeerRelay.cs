using System.Globalization;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Relay;

/// <summary>The relay with one named peer: its failures name the peer, and <c>-v</c> gets the summary line.</summary>
internal static class PeerRelay
{
    public static RelayOptions OptionsFor(DotcatOptions options) => new()
    {
        HalfClose = options.HalfClose,
        QuitAfterEof = options.QuitAfterEof,
        IdleTimeout = options.IdleTimeout,
    };

    /// <summary>Relays <paramref name="local"/> with <paramref name="remote"/>, the connection with <paramref name="peer"/>.</summary>
    public static async Task<RelayStats> RunAsync(Duplex local, Duplex remote, string peer, RelayOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await DuplexRelay.RunAsync(local, remote, options, cancellationToken);
        }
        catch (PeerFailedException e)
        {
            throw new DotcatException($"connection with {peer} failed: {e.Message}", ExitCodes.Failure, e);
        }
        catch (SocketException e)
        {
            throw new DotcatException($"connection with {peer} failed: {SocketErrors.Describe(e.SocketErrorCode)}", ExitCodes.Failure, e);
        }
        catch (DotcatException e) when (e is not StdoutClosedException && e.ExitCode == ExitCodes.Failure && !e.NamesPeer)
        {
            throw new DotcatException($"{peer}: {e.Message}", e.ExitCode, e);
        }
    }

    /// <summary><c>12 bytes sent, 34 bytes received in 0.01 seconds</c>: dotcat's side of the conversation.</summary>
    public static string Summary(long sent, long received, TimeSpan elapsed) => string.Create(
        CultureInfo.InvariantCulture,
        $"{sent} bytes sent, {received} bytes received in {elapsed.TotalSeconds:0.00} seconds");
}
