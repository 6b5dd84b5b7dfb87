using System.Diagnostics;
using System.Net.Sockets;
using Dotcat.Relay;
using Dotcat.Tls;
using Xunit.Abstractions;

namespace Dotcat.Tests.Tls;

/// <summary>Runs only when DOTCAT_TLS_BENCH is set: a measurement, not a test of speed.</summary>
internal sealed class TlsBenchFactAttribute : FactAttribute
{
    public TlsBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DOTCAT_TLS_BENCH") is null)
            Skip = "a measurement: DOTCAT_TLS_BENCH=1 dotnet test -c Release --filter TlsThroughput --logger 'console;verbosity=detailed'";
    }
}

/// <summary>In-process loopback TLS bulk and handshake figures beside plain TCP, over the same Duplex calls as the relay.</summary>
public sealed class TlsThroughput(ITestOutputHelper output)
{
    private const long Total = 2L << 30;
    private const int Chunk = 128 * 1024;

    [TlsBenchFact]
    public async Task Bulk_and_handshake()
    {
        TlsCertificate certificate = SelfSignedCertificate.Create();
        var client = new TlsClientSettings("localhost", TlsTrust.Pin, Pin: certificate.Fingerprint);
        var server = new TlsServerSettings(certificate);

        (Socket a, Socket b) = await TlsPair.ConnectAsync();
        double plain = await MeasureAsync(new SocketDuplex(a), new SocketDuplex(b));
        output.WriteLine($"plain TCP: {plain:F0} MiB/s");

        foreach (string label in new[] { "TLS (default: 1.3)", "TLS 1.2" })
        {
            TlsServerSettings s = label is "TLS 1.2" ? server with { Protocols = System.Security.Authentication.SslProtocols.Tls12 } : server;
            (Task<TlsDuplex> c, Task<TlsDuplex> sv) = await TlsPair.HandshakeAsync(client, s);
            double tls = await MeasureAsync(await c, await sv);
            output.WriteLine($"{label} {(await c).Session.Describe()}: {tls:F0} MiB/s");
        }

        var times = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            (Task<TlsDuplex> c, Task<TlsDuplex> sv) = await TlsPair.HandshakeAsync(client, server);
            await (await c).DisposeAsync();
            await (await sv).DisposeAsync();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"connect + handshake, in-process: median {times[25]:F2} ms, min {times[0]:F2} ms");
    }

    private static async Task<double> MeasureAsync(Duplex sender, Duplex receiver)
    {
        await using (sender)
        await using (receiver)
        {
            var data = new byte[Chunk];
            Random.Shared.NextBytes(data);
            var clock = Stopwatch.StartNew();
            Task<long> received = Task.Run(async () =>
            {
                var buffer = new byte[Chunk];
                long count = 0;
                int read;
                while ((read = await receiver.ReadAsync(buffer, CancellationToken.None)) > 0)
                    count += read;
                return count;
            });
            for (long sent = 0; sent < Total; sent += Chunk)
                await sender.WriteAsync(data, CancellationToken.None);
            await sender.CompleteWritesAsync();
            (await received).ShouldBe(Total);
            return Total / (1024.0 * 1024.0) / clock.Elapsed.TotalSeconds;
        }
    }
}
