using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary>
/// <c>dotcat -l [HOST] PORT</c>: the listener's connections, served by the run's service. A stream listener's
/// clients come through the <see cref="AcceptLoop"/> (one, or with <c>-k</c> each concurrently, <c>-m</c> at most).
/// A datagram listener has one connection: to the first peer that speaks, or with <c>-k</c> to every peer; with
/// <c>-k</c> and exec, one per peer, through the same accept loop.
/// </summary>
internal static class ListenMode
{
    public static async Task<int> RunAsync(DotcatOptions options, DotcatConsole console, Log log, CancellationToken cancellationToken)
    {
        await using var service = ServiceRun.Start(options, console, log, cancellationToken);
        if (!options.Endpoint.IsDatagram)
        {
            using StreamListener listener = await Listening.ListenStreamAsync(options, log, cancellationToken);
            await new AcceptLoop(listener, options, log).ServeAsync(service.ServeAsync, cancellationToken);
            return ExitCodes.Success;
        }

        using DatagramPort port = await Listening.BindDatagramAsync(options, log, cancellationToken);
        if (service.AnswersEachDatagram)
        {
            await service.AnswerDatagramsAsync(port, cancellationToken);
            return ExitCodes.Success;
        }
        if (options.KeepOpen && service.ServesEachDatagramPeer)
        {
            using DatagramPeers peers = port.EachPeer(log);
            await new AcceptLoop(peers, options, log, DatagramPeers.Judged).ServeAsync(service.ServeAsync, cancellationToken);
            return ExitCodes.Success;
        }
        Connection connection = options.KeepOpen ? port.AllPeers(log) : await port.FirstPeerAsync(log, cancellationToken);
        connection = await ConnectionLayers.Wrapper(options, log)(connection, cancellationToken);
        await service.ServeAsync(connection, cancellationToken);
        return ExitCodes.Success;
    }
}
