using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Scan;

/// <summary>What a probe learnt about one port.</summary>
internal enum PortState
{
    /// <summary>TCP: the connection was accepted. UDP: a reply came back.</summary>
    Open,

    /// <summary>TCP: refused or no answer within the timeout. UDP: refused (ICMP port unreachable).</summary>
    Closed,

    /// <summary>UDP only: no reply and no refusal within the timeout; a service may be there, or a firewall.</summary>
    OpenOrFiltered,
}

/// <summary>
/// <c>-z HOST PORTS</c>: probes every port of the list at once (at most <see cref="Concurrency"/> at a time), each
/// within <c>-w</c> (<see cref="DefaultTimeout"/> without it), sending no data. Results are reported in port order as
/// soon as every lower port is known; exit 0 when at least one port is open (for UDP: not refused), else 1.
/// </summary>
internal static class PortScanner
{
    public const int Concurrency = 256;

    /// <summary>Per-port time when <c>-w</c> is not given: long enough for a slow LAN host, short for a range.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        var target = (Endpoint.Ip)options.Endpoint;
        IPAddress address = (await Resolver.ResolveAsync(target.Host!, options.Family, cancellationToken))[0];
        bool udp = target is Endpoint.Udp;
        bool anyOpen = false;
        await foreach ((int port, PortState state) in ScanAsync(address, options.ScanPorts!, udp, options.ConnectTimeout ?? DefaultTimeout, cancellationToken))
        {
            anyOpen |= state != PortState.Closed;
            log.Info($"{Endpoints.Format(address.ToString(), port)} {Describe(state)}");
        }
        return anyOpen ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static string Describe(PortState state) => state switch
    {
        PortState.Open => "open",
        PortState.Closed => "closed",
        _ => "open|filtered",
    };

    /// <summary>Every port's state, in the order of <paramref name="ports"/>, while later ports are still being probed.</summary>
    public static async IAsyncEnumerable<(int Port, PortState State)> ScanAsync(
        IPAddress address, IReadOnlyList<int> ports, bool udp, TimeSpan timeout,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Concurrency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TaskCompletionSource<PortState>[] results = [.. ports.Select(_ => new TaskCompletionSource<PortState>(TaskCreationOptions.RunContinuationsAsynchronously))];

        // Started in port order, so the lowest ports, which are reported first, are probed first.
        var probes = new List<Task>(ports.Count);
        Task starter = StartAllAsync();
        try
        {
            for (int i = 0; i < ports.Count; i++)
                yield return (ports[i], await results[i].Task.WaitAsync(cancellationToken));
        }
        finally
        {
            await stop.CancelAsync();
            await starter;
            await Task.WhenAll(probes);
        }

        async Task StartAllAsync()
        {
            try
            {
                for (int i = 0; i < ports.Count; i++)
                {
                    await slots.WaitAsync(stop.Token);
                    probes.Add(ProbeAsync(i));
                }
            }
            catch (OperationCanceledException)
            {
                // The reader stopped early (interrupted): the remaining ports are never probed.
            }
        }

        async Task ProbeAsync(int index)
        {
            var target = new IPEndPoint(address, ports[index]);
            try
            {
                PortState state = udp
                    ? await ProbeUdpAsync(target, timeout, stop.Token)
                    : await ProbeTcpAsync(target, timeout, stop.Token);
                slots.Release();
                results[index].TrySetResult(state);
            }
            catch (Exception e)
            {
                // Whatever the probe threw belongs to its port's result: the reporting loop rethrows it in port order.
                slots.Release();
                results[index].TrySetException(e);
            }
        }
    }

    public static async Task<PortState> ProbeTcpAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using CancellationTokenSource deadline = Deadline.After(timeout, cancellationToken);
        try
        {
            await socket.ConnectAsync(target, deadline.Token);
            return PortState.Open;
        }
        catch (SocketException)
        {
            return PortState.Closed;
        }
        catch (OperationCanceledException e) when (Deadline.Expired(e, cancellationToken))
        {
            return PortState.Closed;
        }
    }

    /// <summary>
    /// One zero byte, as ncat's <c>-zu</c> sends (many services ignore an empty datagram, so it would learn less); a
    /// refusal (ICMP port unreachable) means closed, a reply open, silence open|filtered.
    /// </summary>
    private static readonly ReadOnlyMemory<byte> UdpProbe = new byte[] { 0 };

    public static async Task<PortState> ProbeUdpAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using CancellationTokenSource deadline = Deadline.After(timeout, cancellationToken);
        try
        {
            await socket.ConnectAsync(target, deadline.Token);
            await socket.SendAsync(UdpProbe, SocketFlags.None, deadline.Token);
            await socket.ReceiveAsync(new byte[1], SocketFlags.None, deadline.Token);
            return PortState.Open;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // Linux and macOS report the ICMP refusal as ECONNREFUSED, Windows as WSAECONNRESET.
            return PortState.Closed;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
        {
            return PortState.Open;   // a reply longer than our 1-byte buffer is still a reply
        }
        catch (OperationCanceledException e) when (Deadline.Expired(e, cancellationToken))
        {
            return PortState.OpenOrFiltered;
        }
    }
}
