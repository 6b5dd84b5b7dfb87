using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Tests.Support;
using Dotcat.Transports;

namespace Dotcat.Tests.Loopback.Transports;

/// <summary>The accept loop's seams: a filter decides before -m counts, a wrapper changes what is served.</summary>
public class AcceptLoopSpecs
{
    private static readonly DotcatOptions KeepOpenOne = new()
    {
        Mode = Mode.Listen,
        Endpoint = new Endpoint.Tcp("127.0.0.1", 0),
        KeepOpen = true,
        MaxConnections = 1,
    };

    [Fact(Timeout = 60_000)]
    public async Task A_refused_client_is_closed_unserved_and_does_not_count_toward_m()
    {
        using var stop = new CancellationTokenSource();
        using StreamListener listener = await Listening.ListenStreamAsync(KeepOpenOne, Log.Null, stop.Token);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        int asked = 0;
        ConnectionFilter refuseFirst = (_, _) => ValueTask.FromResult(Interlocked.Increment(ref asked) > 1);
        var served = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        Task loop = new AcceptLoop(listener, KeepOpenOne, Log.Null, refuseFirst).ServeAsync(async (connection, token) =>
        {
            await using (connection)
            {
                await connection.Duplex.WriteAsync("hi"u8.ToArray(), token);
                await connection.Duplex.CompleteWritesAsync();
                served.TrySetResult(connection.Peer);
                await Task.Delay(Timeout.Infinite, token);   // holds its -m slot
            }
        }, stop.Token);

        using Socket refused = await Sockets.ConnectAsync(port);
        (await refused.ReadToEndAsync()).ShouldBeEmpty();
        using Socket admitted = await Sockets.ConnectAsync(port);
        (await admitted.ReadUntilAsync("hi")).ShouldBe("hi");
        (await served.Task).ShouldStartWith("127.0.0.1:");

        await stop.CancelAsync();
        Exception? ended = await Record.ExceptionAsync(() => loop);
        ended.ShouldBeAssignableTo<OperationCanceledException>();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrapper_decides_what_the_service_talks_to()
    {
        var options = KeepOpenOne with { KeepOpen = false };
        using var stop = new CancellationTokenSource();
        using StreamListener listener = await Listening.ListenStreamAsync(options, Log.Null, stop.Token);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var inner = new TaskCompletionSource<Duplex>(TaskCreationOptions.RunContinuationsAsynchronously);
        ConnectionWrapper wrap = (connection, _) =>
        {
            inner.TrySetResult(connection.Duplex);
            return ValueTask.FromResult(connection.With(new FakeDuplex()));
        };

        using Socket client = await Sockets.ConnectAsync(port);
        Duplex? seen = null;
        await new AcceptLoop(listener, options, Log.Null, wrap: wrap).ServeAsync((connection, _) =>
        {
            seen = connection.Duplex;
            return Task.CompletedTask;
        }, stop.Token);

        seen.ShouldBeOfType<FakeDuplex>();
        Duplex socket = await inner.Task;
        socket.ShouldBeOfType<SocketDuplex>();
        await socket.DisposeAsync();
    }
}
