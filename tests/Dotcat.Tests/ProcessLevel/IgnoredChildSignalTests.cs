using System.Net.Sockets;
using Dotcat.Tests.InMemory.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// A parent that ignores SIGCHLD (Perl's <c>$SIG{CHLD} = "IGNORE"</c>, as ncat's own test suite sets) hands that to
/// dotcat; an <c>--exec</c> listener without <c>-k</c> must still see its process end and end with its one client.
/// </summary>
public class IgnoredChildSignalTests
{
    [ShellFact("perl", Timeout = 60_000)]
    public async Task An_exec_listener_started_with_sigchld_ignored_ends_after_its_client()
    {
        (string program, IEnumerable<string> args) = DotcatProcess.DotcatCommand(["-l", "127.0.0.1", "0", "-v", "--exec", "/bin/cat"]);
        await using var listener = DotcatProcess.StartProgram(
            "perl", ["-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die", program, .. args]);
        int port = await listener.WaitForListeningPortAsync();
        // Ignored, .NET learns of the process's end only late (a second or two here): the disposition must be back.
        IgnoredSignals(listener.Id).ShouldNotContain(SigChld);

        using (Socket client = await Sockets.ConnectAsync(port))
        {
            await client.SendAsync("abc\n");
            client.Shutdown(SocketShutdown.Send);
            (await client.ReadToEndAsync()).ShouldBe("abc\n"u8.ToArray());
        }

        (await listener.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, listener.Stderr);
    }

    private const int SigChld = 17;

    /// <summary>The signals <paramref name="pid"/> ignores, from the SigIgn mask in /proc/PID/status.</summary>
    private static int[] IgnoredSignals(int pid)
    {
        string mask = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        ulong bits = ulong.Parse(mask, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(1, 64).Where(signal => (bits & (1UL << (signal - 1))) != 0)];
    }
}
