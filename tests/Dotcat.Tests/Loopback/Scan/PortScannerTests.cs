using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Scan;
using Dotcat.Tests.Loopback.Diagnostics;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Scan;

public class PortScannerTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = 60_000)]
    public async Task Tcp_scan_reports_listening_ports_open_and_others_closed_in_port_order()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int open = ((IPEndPoint)listener.LocalEndpoint).Port;
        int closed = ColorTests.ClosedPort();
        int[] ports = [.. new[] { open, closed }.Order()];

        var results = new List<(int, PortState)>();
        await foreach ((int port, PortState state) in PortScanner.ScanAsync(IPAddress.Loopback, ports, udp: false, Short, CancellationToken.None))
            results.Add((port, state));

        results.ShouldBe(ports.Select(p => (p, p == open ? PortState.Open : PortState.Closed)).ToList());
    }

    [LinuxFact(Timeout = 60_000)]
    public async Task Udp_probe_tells_refused_from_silent_from_answering()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var answering = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        answering.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int refusing;
        using (var gone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            gone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            refusing = ((IPEndPoint)gone.LocalEndPoint!).Port;
        }

        Task echo = EchoOnceAsync(answering);
        PortState answered = await PortScanner.ProbeUdpAsync((IPEndPoint)answering.LocalEndPoint!, TimeSpan.FromSeconds(5), CancellationToken.None);
        await echo;

        answered.ShouldBe(PortState.Open);
        (await PortScanner.ProbeUdpAsync((IPEndPoint)silent.LocalEndPoint!, Short, CancellationToken.None)).ShouldBe(PortState.OpenOrFiltered);
        (await PortScanner.ProbeUdpAsync(new IPEndPoint(IPAddress.Loopback, refusing), TimeSpan.FromSeconds(5), CancellationToken.None)).ShouldBe(PortState.Closed);
    }

    [Fact(Timeout = 60_000)]
    public async Task Udp_probe_is_one_zero_byte_as_ncat_sends()
    {
        using var service = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        service.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Task<PortState> probe = PortScanner.ProbeUdpAsync((IPEndPoint)service.LocalEndPoint!, Short, CancellationToken.None);

        var buffer = new byte[16];
        int received = await service.ReceiveAsync(buffer);

        buffer[..received].ShouldBe(new byte[] { 0 });
        await probe;
    }

    [Fact(Timeout = 60_000)]
    public async Task Scan_with_v_prints_one_line_per_port_and_exits_0_when_one_is_open()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int open = ((IPEndPoint)listener.LocalEndpoint).Port;
        int closed = ColorTests.ClosedPort();

        await using var dotcat = DotcatRun.Start("-z", "-v", "127.0.0.1", $"{closed},{open}");
        (await dotcat.WaitForExitAsync()).ShouldBe(0);

        string[] expected = [.. new[] { open, closed }.Order().Select(p => $"dotcat: 127.0.0.1:{p} {(p == open ? "open" : "closed")}")];
        dotcat.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(expected);
        (await dotcat.StdoutAsync()).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Scan_without_v_prints_nothing_and_exits_1_when_every_port_is_closed()
    {
        int closed = ColorTests.ClosedPort();

        await using var dotcat = DotcatRun.Start("-z", "127.0.0.1", closed.ToString(CultureInfo.InvariantCulture));

        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        dotcat.Stderr.ShouldBeEmpty();
    }

    // A closed port must be known refused at once, not waited out: Windows answers a SYN to a closed loopback port
    // only after retrying for about 2 s; Linux and macOS refuse at once. Each probe may wait 15 s, so a scan that
    // waited out even one port takes 15 s or more, however loaded the machine (speed itself is bench/'s business).
    [UnixFact(Timeout = 60_000)]
    public async Task Closed_loopback_ports_are_refused_at_once_not_waited_out()
    {
        int[] ports = [.. Enumerable.Range(1, 1024)];
        TimeSpan perPort = TimeSpan.FromSeconds(15);
        var clock = Stopwatch.StartNew();
        int reported = 0;
        await foreach (var _ in PortScanner.ScanAsync(IPAddress.Loopback, ports, udp: false, perPort, CancellationToken.None))
            reported++;
        clock.Stop();

        reported.ShouldBe(1024);
        clock.Elapsed.ShouldBeLessThan(perPort);
    }

    [Fact(Timeout = 60_000)]
    public async Task Scan_of_a_range_with_v_prints_every_port_in_order()
    {
        await using var dotcat = DotcatRun.Start("-z", "-v", "-w", "1", "127.0.0.1", "1-64");
        await dotcat.WaitForExitAsync();

        string[] lines = dotcat.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => int.Parse(l.Split(':')[2].Split(' ')[0], CultureInfo.InvariantCulture)).ShouldBe(Enumerable.Range(1, 64));
    }

    private static async Task EchoOnceAsync(Socket socket)
    {
        var buffer = new byte[64];
        SocketReceiveFromResult got = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
        await socket.SendToAsync("pong"u8.ToArray(), got.RemoteEndPoint);
    }
}
