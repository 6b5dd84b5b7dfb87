using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Dotcat.Relay;

namespace Dotcat.Tests.Support;

/// <summary>
/// A whole dotcat command run in this process through the console seam (<see cref="Program.RunAsync(string[], DotcatConsole, CancellationToken)"/>):
/// stdin a pipe the test writes, stdout collected as bytes, stderr as lines a test can wait for. The same surface as
/// <see cref="DotcatProcess"/>, for every command-level test that does not need a real process. Disposing it is
/// Ctrl+C: the run's token is cancelled and the run awaited.
/// </summary>
internal sealed partial class DotcatRun : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly Pipe _stdin = new();
    private readonly LockedStream _stdout = new();
    private readonly LineWriter _stderr = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly Task<int> _run;

    private DotcatRun(string[] args, string? workingDirectory, IDictionary<string, string>? environment, bool stderrIsTerminal, bool stdinIsTerminal = false)
    {
        Stdin = _stdin.Writer.AsStream();
        var console = new DotcatConsole(
            _stdin.Reader.AsStream(),
            _stdout,
            _stderr,
            stderrIsTerminal,
            // As DotcatProcess: NO_COLOR=1 and no FORCE_COLOR unless the test says otherwise.
            name => environment is not null && environment.TryGetValue(name, out string? value) ? value : string.Equals(name, "NO_COLOR", StringComparison.Ordinal) ? "1" : null,
            workingDirectory ?? Directory.GetCurrentDirectory(),
            new StreamWriter(_stdout, leaveOpen: true) { AutoFlush = true })
        {
            StdinIsTerminal = stdinIsTerminal,
        };
        _run = Task.Run(() => Program.RunAsync(args, console, _interrupt.Token));
    }

    public static DotcatRun Start(params string[] args) => new(args, null, null, false);

    public static DotcatRun Start(
        IEnumerable<string> args,
        string? workingDirectory = null,
        IDictionary<string, string>? environment = null,
        bool stderrIsTerminal = false,
        bool stdinIsTerminal = false) =>
        new([.. args], workingDirectory, environment, stderrIsTerminal, stdinIsTerminal);

    /// <summary>
    /// stdin; dispose it or call <see cref="CloseStdin"/> for EOF. A pipe is a producer: after the peer's EOF the run
    /// goes on until stdin's own (SPEC section 3); <c>stdinIsTerminal</c> makes it a person at a terminal instead.
    /// </summary>
    public Stream Stdin { get; }

    public string Stderr => _stderr.Text;

    public void CloseStdin() => _stdin.Writer.Complete();

    /// <summary>Waits for the <c>-v</c> line <c>dotcat: listening on ADDR:PORT</c> and returns the port.</summary>
    public async Task<int> WaitForListeningPortAsync(TimeSpan? timeout = null)
    {
        string line = await WaitForStderrAsync(l => l.StartsWith("dotcat: listening on ", StringComparison.Ordinal), timeout);
        return int.Parse(PortAtEnd().Match(line).Value, CultureInfo.InvariantCulture);
    }

    public async Task<IPEndPoint> WaitForListeningEndPointAsync(TimeSpan? timeout = null)
    {
        string line = await WaitForStderrAsync(l => l.StartsWith("dotcat: listening on ", StringComparison.Ordinal), timeout);
        return IPEndPoint.Parse(line["dotcat: listening on ".Length..]);
    }

    /// <summary>Waits for the first stderr line matching <paramref name="match"/> (lines seen before count too).</summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await foreach (string line in _stderr.Lines.Reader.ReadAllAsync(cts.Token))
            {
                if (match(line))
                    return line;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no matching stderr line; stderr so far:\n{Stderr}");
    }

    /// <summary>Waits for the run to end and returns its exit code; a run still going then is a test failure.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            int exitCode = await _run.WaitAsync(timeout ?? DefaultTimeout);
            _stderr.Lines.Writer.TryComplete();
            return exitCode;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"dotcat did not end in time; stderr:\n{Stderr}", e);
        }
    }

    /// <summary>Ctrl+C: what SIGINT does to the process (the run's one token is cancelled).</summary>
    public void Interrupt() => _interrupt.Cancel();

    /// <summary>Everything written to stdout (complete once the run ended).</summary>
    public async Task<byte[]> StdoutAsync()
    {
        await WaitForExitAsync();
        return _stdout.ToArray();
    }

    public async Task<string> StdoutTextAsync() => Encoding.UTF8.GetString(await StdoutAsync());

    /// <summary>Waits until stdout holds at least <paramref name="count"/> bytes while the run goes on.</summary>
    public Task WaitForStdoutBytesAsync(int count, TimeSpan? timeout = null) =>
        WaitForStdoutAsync(bytes => bytes.Length >= count, timeout);

    /// <summary>Waits until stdout, as UTF-8 text, contains <paramref name="text"/> while the run goes on.</summary>
    public Task WaitForStdoutTextAsync(string text, TimeSpan? timeout = null) =>
        WaitForStdoutAsync(bytes => Encoding.UTF8.GetString(bytes).Contains(text, StringComparison.Ordinal), timeout);

    private async Task WaitForStdoutAsync(Func<byte[], bool> done, TimeSpan? timeout)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task written = _stdout.NextWrite;
            if (done(_stdout.ToArray()))
                return;
            await written.WaitAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _interrupt.CancelAsync();
        _stdin.Writer.Complete();
        try
        {
            await _run.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            // A run that ignores its token is the test's failure to report, not the cleanup's.
        }
        _interrupt.Dispose();
    }

    [GeneratedRegex(@"\d+$")]
    private static partial Regex PortAtEnd();

    /// <summary>stdout: bytes kept in order, readable while the run writes.</summary>
    private sealed class LockedStream : Stream
    {
        private readonly MemoryStream _bytes = new();
        private TaskCompletionSource _nextWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the next write (take it before looking at the bytes, so no write slips between).</summary>
        public Task NextWrite
        {
            get
            {
                lock (_bytes)
                    return _nextWrite.Task;
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] ToArray()
        {
            lock (_bytes)
                return _bytes.ToArray();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            TaskCompletionSource written;
            lock (_bytes)
            {
                _bytes.Write(buffer);
                written = _nextWrite;
                _nextWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            written.SetResult();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>stderr: the whole text, and each finished line on a channel.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _all = new();
        private readonly StringBuilder _line = new();

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_all)
                    return _all.ToString();
            }
        }

        // Lines end at '\n', '\r' or "\r\n", as StreamReader.ReadLine (and so DotcatProcess) has them.
        public override void Write(char value)
        {
            lock (_all)
            {
                bool afterCr = _all.Length > 0 && _all[^1] == '\r';
                _all.Append(value);
                if (value == '\n' && afterCr)
                    return;
                if (value is '\n' or '\r')
                {
                    Lines.Writer.TryWrite(_line.ToString());
                    _line.Clear();
                }
                else
                {
                    _line.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (char c in value ?? "")
                Write(c);
        }
    }
}
