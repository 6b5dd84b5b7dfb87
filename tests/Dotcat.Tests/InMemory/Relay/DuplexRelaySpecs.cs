using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory.Relay;

public class DuplexRelaySpecs
{
    private static readonly byte[] Hello = "hello"u8.ToArray();

    private sealed class Local : IAsyncDisposable
    {
        public MemoryStream Output { get; } = new();
        public LocalEnd Duplex { get; private set; } = null!;

        public static Local From(byte[] stdin) => Create(ByteSources.From(new MemoryStream(stdin)));

        /// <summary>stdin that stays open (nothing arrives, no EOF) until the pipe's writer completes.</summary>
        public static Local Open(Pipe stdin) => Create(ByteSources.From(stdin.Reader.AsStream()));

        private static Local Create(IByteSource source)
        {
            var local = new Local();
            local.Duplex = new LocalEnd(source, new StdoutWriter(local.Output));
            return local;
        }

        public string Text => Encoding.UTF8.GetString(Output.ToArray());

        public async ValueTask DisposeAsync() => await Duplex.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Local_eof_half_closes_and_the_peer_reply_still_arrives()
    {
        await using var local = Local.From(Hello);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions(), CancellationToken.None);
        (await peer.ReadToEndAsync()).ShouldBe(Hello);        // ends: the relay half-closed
        await peer.WriteAsync("late reply"u8.ToArray(), CancellationToken.None);
        await peer.CompleteWritesAsync();

        RelayStats stats = await relay;
        local.Text.ShouldBe("late reply");
        stats.Sent.ShouldBe(5);
        stats.Received.ShouldBe(10);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_a_terminal_on_stdin_the_peer_closing_first_ends_the_session_while_stdin_is_still_open()
    {
        var stdin = new Pipe();
        await using var local = Local.Open(stdin);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        var options = new RelayOptions { AfterPeerEof = AfterPeerEof.End };
        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, options, CancellationToken.None);
        await peer.WriteAsync("bye"u8.ToArray(), CancellationToken.None);
        await peer.CompleteWritesAsync();

        await relay;
        local.Text.ShouldBe("bye");
    }

    [Fact(Timeout = 60_000)]
    public async Task After_the_peer_half_closes_a_producer_on_stdin_is_sent_until_its_eof_however_long_it_pauses()
    {
        var stdin = new Pipe();
        await using var local = Local.Open(stdin);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions(), CancellationToken.None);
        await peer.CompleteWritesAsync();                                  // e.g. a listener whose stdin was empty
        var buffer = new byte[16];
        for (int i = 0; i < 3; i++)
        {
            if (i == 1)
                await Task.Delay(700);                                     // a pause longer than the old 0.5 s quiet rule
            relay.IsCompleted.ShouldBeFalse();
            await stdin.Writer.WriteAsync(Hello);                          // a producer still writing
            (await peer.ReadAsync(buffer, CancellationToken.None)).ShouldBe(5);
        }
        await stdin.Writer.CompleteAsync();

        (await relay).Sent.ShouldBe(15);
        (await peer.ReadToEndAsync()).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task The_peers_eof_ends_the_local_output_once_its_bytes_are_written_while_stdin_goes_on()
    {
        var stdin = new Pipe();
        string? outputWhenEnded = null;
        var output = new MemoryStream();
        await using var local = new LocalEnd(
            ByteSources.From(stdin.Reader.AsStream()), new StdoutWriter(output), () => outputWhenEnded = Encoding.UTF8.GetString(output.ToArray()));
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local, remote, new RelayOptions(), CancellationToken.None);
        await peer.WriteAsync("last words"u8.ToArray(), CancellationToken.None);
        await peer.CompleteWritesAsync();
        await stdin.Writer.WriteAsync(Hello);                              // still sent after the output ended
        var buffer = new byte[16];
        (await peer.ReadAsync(buffer, CancellationToken.None)).ShouldBe(5);

        outputWhenEnded.ShouldBe("last words");
        relay.IsCompleted.ShouldBeFalse();
        await stdin.Writer.CompleteAsync();
        await relay;
    }

    [Fact(Timeout = 60_000)]
    public async Task No_shutdown_keeps_the_socket_open_after_stdin_eof()
    {
        await using var local = Local.From(Hello);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions { HalfClose = false }, CancellationToken.None);
        var buffer = new byte[5];
        (await peer.ReadAsync(buffer, CancellationToken.None)).ShouldBe(5);
        ValueTask<int> next = peer.ReadAsync(buffer, CancellationToken.None);   // no EOF arrives
        await peer.WriteAsync("ok"u8.ToArray(), CancellationToken.None);
        await peer.CompleteWritesAsync();
        await relay;

        next.IsCompleted.ShouldBeFalse();
        local.Text.ShouldBe("ok");
    }

    [Fact(Timeout = 60_000)]
    public async Task Quit_zero_ends_right_after_stdin_eof_without_waiting_for_the_peer()
    {
        await using var local = Local.From(Hello);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        await DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions { QuitAfterEof = TimeSpan.Zero }, CancellationToken.None);
        (await peer.ReadToEndAsync()).ShouldBe(Hello);
    }

    [Fact(Timeout = 60_000)]
    public async Task Quit_time_counts_from_the_last_data_received_after_stdin_eof()
    {
        await using var local = Local.From(Hello);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions { QuitAfterEof = TimeSpan.FromMilliseconds(300) }, CancellationToken.None);
        await peer.ReadToEndAsync();
        await peer.WriteAsync("still here"u8.ToArray(), CancellationToken.None);
        await relay;   // the peer never closes: only the quit timer can end it

        local.Text.ShouldBe("still here");
    }

    [Fact(Timeout = 60_000)]
    public async Task Idle_timeout_fails_the_session()
    {
        var stdin = new Pipe();
        await using var local = Local.Open(stdin);
        (PipeDuplex remote, _) = PipeDuplex.CreatePair();

        var relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) }, CancellationToken.None);
        DotcatException failure = await Should.ThrowAsync<DotcatException>(relay);
        failure.Message.ShouldBe("idle timeout: no data for 0.2s");
    }

    [Fact(Timeout = 60_000)]
    public async Task Binary_data_passes_unchanged_both_ways()
    {
        byte[] up = RandomNumberGenerator.GetBytes(300 * 1024 + 17);
        byte[] down = RandomNumberGenerator.GetBytes(200 * 1024 + 3);
        await using var local = Local.From(up);
        (PipeDuplex remote, PipeDuplex peer) = PipeDuplex.CreatePair();

        Task<RelayStats> relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions(), CancellationToken.None);   // buffers grow mid-stream
        Task<byte[]> received = peer.ReadToEndAsync();
        await peer.WriteAsync(down, CancellationToken.None);
        await peer.CompleteWritesAsync();
        await relay;

        (await received).ShouldBe(up);
        local.Output.ToArray().ShouldBe(down);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancellation_ends_the_session()
    {
        var stdin = new Pipe();
        await using var local = Local.Open(stdin);
        (PipeDuplex remote, _) = PipeDuplex.CreatePair();
        using var cancel = new CancellationTokenSource();

        var relay = DuplexRelay.RunAsync(local.Duplex, remote, new RelayOptions(), cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(relay);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_idle_session_waits_for_input_on_both_sides_before_taking_a_buffer()
    {
        var local = new WaitingDuplex("up"u8.ToArray());
        var remote = new WaitingDuplex("down"u8.ToArray());

        Task<RelayStats> relay = DuplexRelay.RunAsync(local, remote, new RelayOptions(), CancellationToken.None);
        await local.Waiting.Task;
        await remote.Waiting.Task;
        local.Reads.ShouldBe(0);                                         // no buffer borrowed while nothing arrives
        remote.Reads.ShouldBe(0);

        local.Arrive();
        remote.Arrive();
        RelayStats stats = await relay;
        stats.ShouldBe(stats with { Sent = 2, Received = 4 });
        remote.Written.ShouldBe("up"u8.ToArray());
        local.Written.ShouldBe("down"u8.ToArray());
    }

    [Fact]
    public void A_read_buffer_is_kept_while_reads_fill_it_grows_once_and_is_given_back_when_data_stops()
    {
        var buffer = new ReadBuffer(1024 * 1024);
        buffer.Take().Length.ShouldBe(ReadBuffer.InitialSize);
        buffer.Used(ReadBuffer.InitialSize);                              // full: bulk data, the next one is bigger
        buffer.Held.ShouldBeFalse();
        buffer.Take().Length.ShouldBe(1024 * 1024);
        buffer.Used(1024 * 1024);
        buffer.Held.ShouldBeTrue();                                       // still flowing: kept
        buffer.Used(10);
        buffer.Held.ShouldBeFalse();                                      // a short read: data stopped, given back
        buffer.Take().Length.ShouldBe(1024 * 1024);
    }

    /// <summary>An end that has one chunk to give, once <see cref="Arrive"/> is called, then EOF.</summary>
    private sealed class WaitingDuplex(byte[] chunk) : Duplex
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _written = new();
        private bool _given;

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Reads { get; private set; }
        public byte[] Written => _written.ToArray();

        public void Arrive() => _arrived.TrySetResult();

        public override async ValueTask WaitForInputAsync(CancellationToken cancellationToken)
        {
            Waiting.TrySetResult();
            await _arrived.Task.WaitAsync(cancellationToken);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            Reads++;
            _arrived.Task.IsCompleted.ShouldBeTrue("read before input arrived");
            if (_given)
                return ValueTask.FromResult(0);
            _given = true;
            chunk.CopyTo(buffer);
            return ValueTask.FromResult(chunk.Length);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _written.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public override ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
