using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dotcat.Relay;

namespace Dotcat.Tests.Loopback.Toolbox;

/// <summary>
/// <c>--progress</c> through the whole command, in this process, with the console seam saying what a real process
/// would learn from its descriptors: stderr a 40-column terminal, stdin a file of known size.
/// </summary>
public sealed partial class ProgressCommandTests : IDisposable
{
    private const int Half = 50 * 1024;

    private readonly TcpListener _server = new(IPAddress.Loopback, 0);

    public ProgressCommandTests() => _server.Start();

    [Fact(Timeout = 20_000)]
    public async Task A_known_stdin_size_shows_percent_and_eta_and_every_redraw_fits_a_40_column_terminal()
    {
        var stdin = new Pipe();
        var stderr = new WatchedWriter();
        var console = new DotcatConsole(
            stdin.Reader.AsStream(),
            new MemoryStream(),
            stderr,
            StderrIsTerminal: true,
            name => string.Equals(name, "NO_COLOR", StringComparison.Ordinal) ? "1" : null,
            Directory.GetCurrentDirectory())
        {
            StdinLength = 2 * Half,
            StderrColumns = () => 40,
        };
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        int port = ((IPEndPoint)_server.LocalEndpoint).Port;
        Task<int> run = Task.Run(() => Program.RunAsync(["--progress", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], console, interrupt.Token));
        using Socket peer = await _server.AcceptSocketAsync(interrupt.Token);

        // Half of stdin, read by the peer; then the meter shows half of the total.
        await stdin.Writer.WriteAsync(new byte[Half], interrupt.Token);
        await ReceiveAsync(peer, Half, interrupt.Token);
        await stderr.WaitForAsync(text => text.Contains(" 50% ETA ", StringComparison.Ordinal), interrupt.Token);
        await stdin.Writer.WriteAsync(new byte[Half], interrupt.Token);
        await stdin.Writer.CompleteAsync();
        await ReceiveAsync(peer, Half, interrupt.Token);
        peer.Shutdown(SocketShutdown.Send);

        (await run).ShouldBe(0);
        string text = stderr.Text;
        text.ShouldNotContain("\n");
        text.ShouldEndWith("\r\e[K");
        string[] redraws = [.. text.Split('\r').Skip(1).Select(r => r.Replace("\e[K", "", StringComparison.Ordinal)).Where(r => r.Length > 0)];
        redraws.ShouldNotBeEmpty();
        redraws.ShouldAllBe(r => r.Length < 40);
        redraws.ShouldContain(r => FortyColumns().IsMatch(r));
    }

    [Fact(Timeout = 20_000)]
    public async Task The_send_files_sizes_make_the_total()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dcp");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "a.bin"), new byte[Half]);
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "b.bin"), new byte[Half]);
            var stderr = new WatchedWriter();
            var console = new DotcatConsole(
                new MemoryStream(),
                new MemoryStream(),
                stderr,
                StderrIsTerminal: true,
                _ => null,
                dir.FullName)
            {
                StderrColumns = () => 200,
            };
            using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            int port = ((IPEndPoint)_server.LocalEndpoint).Port;
            Task<int> run = Task.Run(() => Program.RunAsync(["--progress", "--send", "*.bin", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], console, interrupt.Token));
            using Socket peer = await _server.AcceptSocketAsync(interrupt.Token);

            // Both files fit in the socket's buffers: all is sent before the peer reads anything.
            await stderr.WaitForAsync(text => text.Contains("dotcat: 100.0 KiB / 100.0 KiB  100%  ", StringComparison.Ordinal), interrupt.Token);
            await ReceiveAsync(peer, 2 * Half, interrupt.Token);
            peer.Shutdown(SocketShutdown.Send);
            (await run).ShouldBe(0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^dotcat: 50\.0 KiB/100\.0 KiB 50% ETA \d+:\d\d$")]
    private static partial Regex FortyColumns();

    private static async Task ReceiveAsync(Socket peer, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        for (int got = 0; got < count;)
        {
            int read = await peer.ReceiveAsync(buffer.AsMemory(got), cancellationToken);
            read.ShouldBePositive();
            got += read;
        }
    }

    public void Dispose() => _server.Dispose();

    /// <summary>stderr as text that a test can wait on.</summary>
    private sealed class WatchedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                    return _text.ToString();
            }
        }

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            TaskCompletionSource changed;
            lock (_text)
            {
                _text.Append(value);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.SetResult();
        }

        public async Task WaitForAsync(Func<string, bool> done, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task changed;
                lock (_text)
                    changed = _changed.Task;
                if (done(Text))
                    return;
                await changed.WaitAsync(cancellationToken);
            }
        }
    }
}
