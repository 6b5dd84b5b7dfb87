using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Tests.InMemory.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// <c>--progress</c> in a real 40-column terminal (a tmux pane of a private server, issue 9): a line that wrapped could
/// not be rewritten with <c>\r</c> and left its first rows behind, so the screen after the run shows whether it ever
/// wrapped; what the pane received is recorded too (tmux pipe-pane) to see each redraw.
/// </summary>
public class ProgressTerminalTests
{
    private const int Columns = 40;
    private const int FileSize = 24 * 1024 * 1024;

    [ShellFact("tmux", Timeout = 60_000)]
    public async Task In_a_40_column_pane_the_line_never_wraps_and_leaves_nothing_behind()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dcp");
        string socket = Path.Combine(dir.FullName, "t");
        string raw = Path.Combine(dir.FullName, "raw");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Server.ReceiveBufferSize = 64 * 1024;
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "big"), new byte[FileSize]);
        (string program, IEnumerable<string> args) = DotcatProcess.DotcatCommand(["--progress", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
        // A short command line (a script), so that only dotcat's own output could wrap.
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "r"),
            string.Join(' ', args.Prepend(program).Select(Quote)) + " < big\n"
            + $"tmux -S {Quote(socket)} wait-for -S done\n");
        var env = new Dictionary<string, string> { ["TERM"] = "xterm", ["PS1"] = "$ ", ["NO_COLOR"] = "1" };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        try
        {
            (await Tmux("-f", "/dev/null", "new-session", "-d", "-x", Columns.ToString(CultureInfo.InvariantCulture), "-y", "20", "-c", dir.FullName, "sh"))
                .ShouldSucceed();
            (await Tmux("pipe-pane", "-o", $"cat >> {Quote(raw)}; tmux -S {Quote(socket)} wait-for -S piped")).ShouldSucceed();
            (await Tmux("send-keys", "-l", "sh r\n")).ShouldSucceed();

            using Socket peer = await listener.AcceptSocketAsync(timeout.Token);
            (await SlowReaderAsync(peer, timeout.Token)).ShouldBe(FileSize);
            peer.Shutdown(SocketShutdown.Send);

            (await Tmux("wait-for", "done")).ShouldSucceed();
            string screen = (await Tmux("capture-pane", "-p")).Stdout;
            (await Tmux("pipe-pane")).ShouldSucceed();   // the recorder's cat sees EOF, writes, then says "piped"
            (await Tmux("wait-for", "piped")).ShouldSucceed();

            string[] rows = [.. screen.Split('\n').Select(r => r.TrimEnd()).Where(r => r.Length > 0)];
            // The typed line and the next prompt ("$" or, for root, "#"), nothing else.
            rows.Length.ShouldBe(2, $"screen after the run:\n{screen}");
            rows[0].ShouldBe(rows[1] + " sh r");

            string[] redraws = [.. (await File.ReadAllTextAsync(raw, timeout.Token)).Split('\r')
                .Select(r => r.Replace("\e[K", "", StringComparison.Ordinal))
                .Where(r => r.Contains("ETA", StringComparison.Ordinal))];
            redraws.Length.ShouldBeGreaterThan(1, "the progress line was drawn more than once");
            redraws.ShouldAllBe(r => r.Length < Columns);
            redraws.ShouldContain(r => r.StartsWith("dotcat: ", StringComparison.Ordinal) && r.Contains("/24.0 MiB ", StringComparison.Ordinal));
        }
        finally
        {
            await Tmux("kill-server");
            dir.Delete(recursive: true);
        }

        Task<CompletionScriptsSpecs.ShellResult> Tmux(params string[] tmuxArgs) =>
            CompletionScriptsSpecs.Shell.RunAsync("tmux", ["-S", socket, .. tmuxArgs], dir.FullName, env);
    }

    /// <summary>
    /// A peer on a slow link: a pause after each 512 KiB, so the transfer lasts a few of the meter's redraws
    /// (a pace the test sets, not a wait for anything). Returns the bytes read before EOF.
    /// </summary>
    private static async Task<long> SlowReaderAsync(Socket peer, CancellationToken cancellationToken)
    {
        const int Step = 512 * 1024;
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            int read = await peer.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
                return total;
            if ((total + read) / Step > total / Step)
                await Task.Delay(20, cancellationToken);
            total += read;
        }
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
