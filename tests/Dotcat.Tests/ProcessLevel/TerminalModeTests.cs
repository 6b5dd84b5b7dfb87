using Dotcat.Tests.InMemory.Cli;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>
/// dotcat leaves a terminal as it found it (issue 9): System.Console's start-up sends keypad-transmit
/// (<c>ESC[?1h ESC=</c>) and nothing sends it back, so tmux's keypad flag stayed on in dash after dotcat exited. Each
/// command runs in a tmux pane (a private server) under dash, which does not reset the mode itself.
/// </summary>
public class TerminalModeTests
{
    [ShellTheory("dash", "tmux", Timeout = 60_000)]
    [InlineData("-w 1 127.0.0.1 1")]                // an error line, coloured on a terminal
    [InlineData("--progress -v -w 1 127.0.0.1 1")]  // the progress line's terminal checks
    [InlineData("--bogus")]                         // a usage error
    [InlineData("--help")]                          // help, sized to the terminal
    [InlineData("--completions bash")]
    public async Task Keypad_mode_is_unchanged_after_dotcat_exits(string args)
    {
        string socket = Path.Combine(Path.GetTempPath(), "dck-" + Guid.NewGuid().ToString("N")[..10]);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string dll = Path.Combine(AppContext.BaseDirectory, "dotcat.dll");
        var env = new Dictionary<string, string> { ["TERM"] = "xterm", ["PS1"] = "$ " };
        try
        {
            (await Tmux(env, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "30", "dash")).ShouldSucceed();
            string before = (await Tmux(env, "display", "-p", "#{keypad_flag}#{keypad_cursor_flag}")).Stdout;
            (await Tmux(env, "send-keys", "-l", $"'{dotnet}' '{dll}' {args}; tmux -S '{socket}' wait-for -S done\n")).ShouldSucceed();
            (await Tmux(env, "wait-for", "done")).ShouldSucceed();
            string after = (await Tmux(env, "display", "-p", "#{keypad_flag}#{keypad_cursor_flag}")).Stdout;

            before.Trim().ShouldBe("00");
            after.ShouldBe(before);
        }
        finally
        {
            await Tmux(env, "kill-server");
        }

        Task<CompletionScriptsSpecs.ShellResult> Tmux(Dictionary<string, string> environment, params string[] tmuxArgs) =>
            CompletionScriptsSpecs.Shell.RunAsync("tmux", ["-S", socket, .. tmuxArgs], Path.GetTempPath(), environment);
    }
}
