using System.Diagnostics;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Tests.Support;
using Dotcat.Toolbox;

namespace Dotcat.Tests.InMemory.Toolbox;

public class ToolboxDuplexTests
{
    [Fact]
    public async Task Crlf_turns_every_bare_LF_into_CRLF_even_when_the_CR_came_in_the_previous_read()
    {
        await using var tools = Open(new ToolboxOptions { Crlf = true });
        var local = tools.Wrap(new ScriptedDuplex("a\r", "\nb\n", "c\r\nd\n"));

        (await ReadAllAsync(local)).ShouldBe("a\r\nb\r\nc\r\nd\r\n");
    }

    [Fact]
    public async Task Delay_hands_out_one_line_per_read_and_waits_between_lines()
    {
        await using var tools = Open(new ToolboxOptions { LineDelay = TimeSpan.FromMilliseconds(60) });
        var local = tools.Wrap(new ScriptedDuplex("one\ntwo\nthr", "ee\n"));
        var clock = Stopwatch.StartNew();

        List<string> reads = await ReadChunksAsync(local);

        reads.ShouldBe(["one\n", "two\n", "thr", "ee\n"]);
        // Two pauses: before "two" and before "three"; none inside a line.
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(110));
    }

    [Fact]
    public async Task Send_only_drops_what_arrives()
    {
        await using var tools = Open(new ToolboxOptions { SendOnly = true });
        var inner = new ScriptedDuplex();
        var local = tools.Wrap(inner);

        await local.WriteAsync("ignored"u8.ToArray(), CancellationToken.None);

        inner.Written.ShouldBeEmpty();
    }

    [Fact]
    public async Task Output_and_hex_dump_files_record_both_directions_in_order()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dc");
        try
        {
            string raw = Path.Combine(dir.FullName, "o"), hex = Path.Combine(dir.FullName, "x");
            await using (var tools = Open(new ToolboxOptions { OutputFile = raw, HexDumpFile = hex, Crlf = true }))
            {
                var inner = new ScriptedDuplex("hi\n");
                var local = tools.Wrap(inner);
                await ReadAllAsync(local);
                await local.WriteAsync("yo"u8.ToArray(), CancellationToken.None);
                inner.Written.ShouldBe("yo");
            }

            // -o records what was really sent: after -C.
            (await File.ReadAllTextAsync(raw)).ShouldBe("hi\r\nyo");
            (await File.ReadAllTextAsync(hex)).ShouldBe(
                "> 00000000  68 69 0d 0a                                       |hi..|\n" +
                "< 00000000  79 6f                                             |yo|\n");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Append_output_keeps_what_the_file_held()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dc");
        try
        {
            string raw = Path.Combine(dir.FullName, "o");
            await File.WriteAllTextAsync(raw, "before|");
            await using (var tools = Open(new ToolboxOptions { OutputFile = raw, AppendOutput = true }))
                await tools.Wrap(new ScriptedDuplex()).WriteAsync("after"u8.ToArray(), CancellationToken.None);

            (await File.ReadAllTextAsync(raw)).ShouldBe("before|after");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_append_output_the_file_is_truncated()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dc");
        try
        {
            string raw = Path.Combine(dir.FullName, "o");
            await File.WriteAllTextAsync(raw, "before|");
            await using (var tools = Open(new ToolboxOptions { OutputFile = raw }))
                await tools.Wrap(new ScriptedDuplex()).WriteAsync("after"u8.ToArray(), CancellationToken.None);

            (await File.ReadAllTextAsync(raw)).ShouldBe("after");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_output_file_that_cannot_be_opened_fails_before_any_session()
    {
        string path = Path.Combine(Path.GetTempPath(), "dc-no-such-dir-" + Guid.NewGuid().ToString("N"), "o");

        var e = Should.Throw<DotcatException>(() => Open(new ToolboxOptions { OutputFile = path }));

        e.Message.ShouldBe($"cannot open -o/--output file '{path}': no such directory");
        e.ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public async Task Recv_only_input_never_ends_by_itself()
    {
        await using var tools = Open(new ToolboxOptions { RecvOnly = true });
        using var cancel = new CancellationTokenSource();

        ValueTask<int> read = tools.Input.ReadAsync(new byte[16], cancel.Token);
        read.IsCompleted.ShouldBeFalse();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(async () => await read);
    }

    [Fact]
    public async Task Without_toolbox_options_the_local_end_is_not_wrapped()
    {
        await using var tools = Open(new ToolboxOptions());
        var inner = new ScriptedDuplex();

        tools.Wrap(inner).ShouldBeSameAs(inner);
    }

    [Fact]
    public async Task Progress_is_off_when_stderr_is_redirected_without_verbose()
    {
        var options = new ToolboxOptions { Progress = true };
        await using (var quiet = ToolboxRun.Open(options, Log.Null, TestConsole.Create()))
            quiet.Progress.ShouldBeNull();
        await using (var terminal = ToolboxRun.Open(options, Log.Null, TestConsole.Create(stderrIsTerminal: true)))
            terminal.Progress.ShouldNotBeNull();
        await using (var verbose = ToolboxRun.Open(options, new Log(TextWriter.Null, verbosity: 1), TestConsole.Create()))
            verbose.Progress.ShouldNotBeNull();
    }

    private static ToolboxRun Open(ToolboxOptions options) =>
        ToolboxRun.Open(options, Log.Null, TestConsole.Create());

    private static async Task<string> ReadAllAsync(Duplex local) => string.Concat(await ReadChunksAsync(local));

    private static async Task<List<string>> ReadChunksAsync(Duplex local)
    {
        var chunks = new List<string>();
        var buffer = new byte[1024];
        int read;
        while ((read = await local.ReadAsync(buffer, CancellationToken.None)) > 0)
            chunks.Add(Encoding.ASCII.GetString(buffer, 0, read));
        return chunks;
    }

    /// <summary>A local end whose reads return the given chunks, then EOF; what is written to it is kept.</summary>
    private sealed class ScriptedDuplex(params string[] chunks) : Duplex
    {
        private readonly Queue<string> _chunks = new(chunks);
        private readonly StringBuilder _written = new();

        public string Written => _written.ToString();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_chunks.Count == 0)
                return ValueTask.FromResult(0);
            return ValueTask.FromResult(Encoding.ASCII.GetBytes(_chunks.Dequeue(), buffer.Span));
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _written.Append(Encoding.ASCII.GetString(data.Span));
            return ValueTask.CompletedTask;
        }

        public override ValueTask CompleteWritesAsync() => ValueTask.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
