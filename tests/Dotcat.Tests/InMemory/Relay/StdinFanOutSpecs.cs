using System.Security.Cryptography;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Tests.InMemory.Relay;

public class StdinFanOutSpecs
{
    private static async Task<byte[]> ReadAllAsync(IByteSource source, int readSize, Func<Task>? betweenReads = null)
    {
        using var all = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = await source.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            all.Write(buffer, 0, read);
            if (betweenReads is not null)
                await betweenReads();
        }
        return all.ToArray();
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_client_gets_all_of_stdin_whatever_its_pace()
    {
        byte[] stdin = RandomNumberGenerator.GetBytes(1024 * 1024 + 5);
        var broadcast = new StdinFanOut(ByteSources.From(new MemoryStream(stdin)), Log.Null, bufferSize: 8192);
        using IByteSource fast = broadcast.Subscribe();
        using IByteSource slow = broadcast.Subscribe();

        Task run = broadcast.RunAsync(CancellationToken.None);
        Task<byte[]> fastRead = ReadAllAsync(fast, 100_000);
        Task<byte[]> slowRead = ReadAllAsync(slow, 1000, async () => await Task.Yield());

        (await fastRead).ShouldBe(stdin);
        (await slowRead).ShouldBe(stdin);
        await run;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_leaving_mid_stream_never_stalls_the_others()
    {
        byte[] stdin = RandomNumberGenerator.GetBytes(256 * 1024);
        var broadcast = new StdinFanOut(ByteSources.From(new MemoryStream(stdin)), Log.Null, bufferSize: 4096);
        using IByteSource stays = broadcast.Subscribe();
        IByteSource leaves = broadcast.Subscribe();

        Task run = broadcast.RunAsync(CancellationToken.None);
        var buffer = new byte[4096];
        await leaves.ReadAsync(buffer, CancellationToken.None);
        leaves.Dispose();

        (await ReadAllAsync(stays, 10_000)).ShouldBe(stdin);
        await run;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_client_arriving_after_stdin_ended_gets_eof_at_once()
    {
        var broadcast = new StdinFanOut(ByteSources.From(new MemoryStream("x"u8.ToArray())), Log.Null);
        using IByteSource first = broadcast.Subscribe();
        Task run = broadcast.RunAsync(CancellationToken.None);
        (await ReadAllAsync(first, 10)).ShouldBe("x"u8.ToArray());
        await run;

        using IByteSource late = broadcast.Subscribe();
        (await late.ReadAsync(new byte[10], CancellationToken.None)).ShouldBe(0);
    }
}
