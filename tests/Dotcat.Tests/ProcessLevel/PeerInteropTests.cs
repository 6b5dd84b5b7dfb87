using System.Text.RegularExpressions;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// dotcat against the netcats people already run, as client and as listener, on every transport both share. Binary data
/// goes both ways and must arrive unchanged (no probe bytes, no lost datagrams).
/// </summary>
public sealed partial class PeerInteropTests
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "tcp", false }, { "tcp", true },
        { "udp", false }, { "udp", true },
        { "unix", false }, { "unix", true },
        { "unix-dgram", false }, { "unix-dgram", true },
    };

    [PeerTheory("socat", Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public Task Dotcat_and_socat_exchange_binary_data(string transport, bool dotcatListens) =>
        ExchangeAsync("socat", transport, dotcatListens);

    [PeerTheory("nc.openbsd", Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public Task Dotcat_and_openbsd_nc_exchange_binary_data(string transport, bool dotcatListens) =>
        ExchangeAsync("nc.openbsd", transport, dotcatListens);

    private static async Task ExchangeAsync(string peer, string transport, bool dotcatListens)
    {
        using var dir = new TempDir();
        string path = dir.Path("s");
        using var listenerOut = new ProgressStream();
        using var clientOut = new ProgressStream();

        await using DotcatProcess listener = dotcatListens
            ? DotcatProcess.Start([.. DotcatFlags(transport), "-l", "-v", .. DotcatTarget(transport, path, "0")], listenerOut)
            : DotcatProcess.StartProgram(Peers.Find(peer)!, PeerListener(peer, transport, path), listenerOut);
        bool stream = transport is "tcp" or "unix";
        string ready = await listener.WaitForStderrAsync(l => IsReady(l, stream));
        string port = PortAtEnd().Match(ready).Value;

        await using DotcatProcess client = dotcatListens
            ? DotcatProcess.StartProgram(Peers.Find(peer)!, PeerClient(peer, transport, path, port, dir.Path("c")), clientOut)
            : DotcatProcess.Start([.. DotcatFlags(transport), .. DotcatTarget(transport, path, port)], clientOut);

        byte[] up = Peers.RandomBytes(3000), down = Peers.RandomBytes(2000);
        await client.Stdin.WriteAsync(up);
        await client.Stdin.FlushAsync();
        await listenerOut.WaitForAsync(up.Length);
        await listener.Stdin.WriteAsync(down);
        await listener.Stdin.FlushAsync();
        await clientOut.WaitForAsync(down.Length);

        listenerOut.ToArray().ShouldBe(up);
        clientOut.ToArray().ShouldBe(down);
    }

    private static bool IsReady(string line, bool stream) =>
        line.Contains("listening on", StringComparison.OrdinalIgnoreCase)
        || (!stream && (line.Contains("bound on", StringComparison.OrdinalIgnoreCase) || line.Contains("receiving on", StringComparison.OrdinalIgnoreCase)));

    private static string[] DotcatFlags(string transport) => transport switch
    {
        "tcp" => [],
        "udp" => ["-u"],
        "unix" => ["-U"],
        _ => ["-U", "-u"],
    };

    private static string[] DotcatTarget(string transport, string path, string port) =>
        transport.StartsWith("unix", StringComparison.Ordinal) ? [path] : ["127.0.0.1", port];

    // OpenBSD nc: -n keeps its -v lines numeric; no -v for its UDP client (it would send "XXXX" probes).
    private static string[] PeerListener(string peer, string transport, string path) => (peer, transport) switch
    {
        ("socat", "tcp") => ["-d", "-d", "TCP-LISTEN:0,bind=127.0.0.1", "-"],
        ("socat", "udp") => ["-d", "-d", "UDP-LISTEN:0,bind=127.0.0.1", "-"],
        ("socat", "unix") => ["-d", "-d", $"UNIX-LISTEN:{path}", "-"],
        ("socat", _) => ["-d", "-d", $"UNIX-RECVFROM:{path}", "-"],
        (_, "tcp") => ["-l", "-v", "-n", "127.0.0.1", "0"],
        (_, "udp") => ["-l", "-u", "-v", "-n", "127.0.0.1", "0"],
        (_, "unix") => ["-l", "-U", "-v", path],
        _ => ["-l", "-U", "-u", "-v", path],
    };

    private static string[] PeerClient(string peer, string transport, string path, string port, string ownPath) => (peer, transport) switch
    {
        ("socat", "tcp") => ["-", $"TCP:127.0.0.1:{port}"],
        ("socat", "udp") => ["-", $"UDP:127.0.0.1:{port}"],
        ("socat", "unix") => ["-", $"UNIX-CONNECT:{path}"],
        ("socat", _) => ["-", $"UNIX-SENDTO:{path},bind={ownPath}"],
        (_, "tcp") => ["-N", "127.0.0.1", port],
        (_, "udp") => ["-u", "127.0.0.1", port],
        (_, "unix") => ["-N", "-U", path],
        _ => ["-U", "-u", path],
    };

    [GeneratedRegex(@"\d+$")]
    private static partial Regex PortAtEnd();
}
