using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>Random binary data in random-sized chunks, both ways, between two dotcat processes, on every transport.</summary>
public sealed class TransferTests
{
    public static TheoryData<string> Transports => ["tcp", "udp", "unix", "unix-dgram"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Transports))]
    public async Task Random_binary_chunks_arrive_unchanged_both_ways(string transport)
    {
        if (transport.StartsWith("unix", StringComparison.Ordinal) && OperatingSystem.IsWindows())
            return;
        using var dir = new TempDir();
        using var listenerOut = new ProgressStream();
        using var clientOut = new ProgressStream();
        (string[] listen, Func<string, string[]> connect) = Endpoints(transport, dir.Path("s"));

        await using var listener = DotcatProcess.Start([.. listen, "-v"], listenerOut);
        string line = await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: listening on ", StringComparison.Ordinal));
        await using var client = DotcatProcess.Start(connect(line), clientOut);

        using var sentUp = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var sentDown = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long up = 0, down = 0;
        for (int i = 0; i < 16; i++)
        {
            // Client first: a datagram listener learns its peer from the first datagram.
            byte[] chunk = Peers.RandomBytes(Random.Shared.Next(1, 60_000));
            await client.Stdin.WriteAsync(chunk);
            await client.Stdin.FlushAsync();
            sentUp.AppendData(chunk);
            up += chunk.Length;
            await listenerOut.WaitForAsync(up);

            chunk = Peers.RandomBytes(Random.Shared.Next(1, 60_000));
            await listener.Stdin.WriteAsync(chunk);
            await listener.Stdin.FlushAsync();
            sentDown.AppendData(chunk);
            down += chunk.Length;
            await clientOut.WaitForAsync(down);
        }

        listenerOut.Count.ShouldBe(up);
        clientOut.Count.ShouldBe(down);
        listenerOut.Sha256().ShouldBe(sentUp.GetCurrentHash());
        clientOut.Sha256().ShouldBe(sentDown.GetCurrentHash());
    }

    private static (string[] Listen, Func<string, string[]> Connect) Endpoints(string transport, string path) => transport switch
    {
        "tcp" => (["-l", "127.0.0.1", "0"], line => ["127.0.0.1", Port(line)]),
        "udp" => (["-l", "-u", "127.0.0.1", "0"], line => ["-u", "127.0.0.1", Port(line)]),
        "unix" => (["-l", "-U", path], _ => ["-U", path]),
        _ => (["-l", "-U", "-u", path], _ => ["-U", "-u", path]),
    };

    private static string Port(string listeningLine) => listeningLine[(listeningLine.LastIndexOf(':') + 1)..];
}
