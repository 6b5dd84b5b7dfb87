using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Dotcat.Cli;

namespace Dotcat.Tests.InMemory.Cli;

public sealed class CompletionScriptsSpecs
{
    private static readonly string[] Responders = ["echo", "upper", "uppercase", "time", "discard", "chargen", "daytime"];
    private static readonly string[] Colors = ["auto", "always", "never"];

    public static TheoryData<string> AllShells => [.. CompletionScripts.Shells];

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Script_names_every_visible_option(string shell)
    {
        Command root = DotcatCommand.Create();
        string script = Code(CompletionScripts.Generate(root, shell));

        foreach (string name in VisibleOptionNames(root))
        {
            script.ShouldContain(Mention(shell, name), Case.Sensitive, $"{shell} script lacks {name}");
        }
    }

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Script_offers_the_colours_after_color(string shell)
    {
        string[] lines = Code(CompletionScripts.Generate(DotcatCommand.Create(), shell)).Split('\n');

        lines.ShouldContain(l => l.Contains(Mention(shell, "--color"), StringComparison.Ordinal)
                && Colors.All(c => l.Contains(c, StringComparison.Ordinal)),
            $"no {shell} line offers auto/always/never for --color");
    }

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Script_offers_the_values_of_a_choice_option(string shell)
    {
        string[] lines = Code(CompletionScripts.Generate(DotcatCommand.Create(), shell)).Split('\n');

        lines.ShouldContain(l => l.Contains(Mention(shell, "--respond"), StringComparison.Ordinal)
                && Responders.All(r => l.Contains(r, StringComparison.Ordinal)),
            $"no {shell} line offers every responder for --respond");
    }

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Script_completes_file_names_after_the_file_options(string shell)
    {
        string script = Code(CompletionScripts.Generate(DotcatCommand.Create(), shell));
        string fileAction = shell switch
        {
            "bash" => "-o|--output) type compopt &>/dev/null && compopt -o filenames; _dotcat_reply < <(compgen -f",
            "zsh" => "{-o+,--output=}'[Copy the session'\\''s bytes, both directions in order, to FILE]:FILE:_files'",
            "fish" => "-s 'o' -l 'output' -r -F",
            // PowerShell: an option taking a value with no fixed values falls back to file names.
            _ => "'-o', '--output'",
        };
        script.ShouldContain(fileAction, Case.Sensitive);
    }

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Script_leaves_hidden_options_out(string shell)
    {
        Command root = DotcatCommand.Create();
        // dotcat's own tree may have no hidden option at a given time; one is added so the check always has work.
        root.Options.Add(new Option<bool>("--hidden-for-test", "-Q") { Hidden = true });
        string[] hidden = [.. root.Options.Where(o => o.Hidden).SelectMany(o => new[] { o.Name }.Concat(o.Aliases))];

        // Comments may say "dotcat --completions bash"; the code must not offer it.
        string script = Code(CompletionScripts.Generate(root, shell));
        foreach (string name in hidden)
        {
            // whole tokens only: a hidden --tls must not be confused with a visible --tls-cert
            string token = $@"(?<![\w-]){Regex.Escape(Mention(shell, name))}(?![\w-])";
            Regex.IsMatch(script, token, RegexOptions.None, TimeSpan.FromSeconds(5))
                .ShouldBeFalse($"the {shell} script offers hidden option {name}");
        }
    }

    [Theory]
    [MemberData(nameof(AllShells))]
    public void Generation_is_deterministic_and_ends_with_a_newline(string shell)
    {
        string first = CompletionScripts.Generate(DotcatCommand.Create(), shell);
        string second = CompletionScripts.Generate(DotcatCommand.Create(), shell);

        second.ShouldBe(first);
        first.ShouldEndWith("\n");
        first.ShouldNotContain("\r");
        first.ShouldContain($"dotcat --completions {shell}");
    }

    [Fact]
    public void An_unknown_shell_is_refused() =>
        Should.Throw<ArgumentException>(() => CompletionScripts.Generate(DotcatCommand.Create(), "tcsh"))
            .Message.ShouldContain("tcsh");

    // ------------------------------------------------------------ syntax, by the real shells

    [ShellFact("bash", Timeout = 60_000)]
    public async Task Bash_accepts_the_script_syntax() =>
        await CheckSyntaxAsync("bash", file => ["--norc", "--noprofile", "-n", file]);

    [ShellFact("zsh", Timeout = 60_000)]
    public async Task Zsh_accepts_the_script_syntax() =>
        await CheckSyntaxAsync("zsh", file => ["-f", "-n", file]);

    [ShellFact("fish", Timeout = 60_000)]
    public async Task Fish_accepts_the_script_syntax() =>
        await CheckSyntaxAsync("fish", file => ["--no-config", "--no-execute", file]);

    [ShellFact("pwsh", Timeout = 60_000)]
    public async Task Pwsh_accepts_the_script_syntax() =>
        await CheckSyntaxAsync("pwsh", file =>
        [
            "-NoProfile", "-NonInteractive", "-Command",
            "$errors = $null; $null = [System.Management.Automation.Language.Parser]::ParseFile(" + PwshQuote(file)
                + ", [ref]$null, [ref]$errors); if ($errors) { $errors | Out-String | Write-Output; exit 1 }",
        ]);

    // ------------------------------------------------------------ behaviour: what <TAB> offers

    [ShellTheory("bash", Timeout = 60_000)]
    [InlineData("dotcat --col", "--color", true)]
    [InlineData("dotcat -l --ou", "--output", true)]
    [InlineData("dotcat --color ", "auto always never", true)]
    [InlineData("dotcat --color =", "auto always never", true)]
    [InlineData("dotcat --color = n", "never", true)]
    [InlineData("dotcat -w 5 ", "myhost.example otherhost.example", false)]
    [InlineData("dotcat myh", "myhost.example", true)]
    [InlineData("dotcat myhost.example ", "", true)]
    [InlineData("dotcat -o ", "session.log", true)]
    [InlineData("dotcat --hex-dump ", "session.log", true)]
    [InlineData("dotcat -x sess", "session.log", true)]
    [InlineData("dotcat -w ", "", true)]
    [InlineData("dotcat -z -w 1 my", "myhost.example", true)]
    public async Task Bash_completes(string line, string expected, bool exact) =>
        Match(await BashCompleteAsync(line), line, expected, exact);

    [ShellTheory("bash", Timeout = 60_000)]
    [InlineData("dotcat --re", "--respond", false)]
    [InlineData("dotcat --respond ", "echo upper uppercase time discard chargen daytime", true)]
    [InlineData("dotcat -l 8080 --respond u", "upper uppercase", true)]
    [InlineData("dotcat --respond =", "echo upper uppercase time discard chargen daytime", true)]
    [InlineData("dotcat --respond = d", "discard daytime", true)]
    public async Task Bash_completes_choice_values(string line, string expected, bool exact) =>
        Match(await BashCompleteAsync(line, DotcatCommand.Create()), line, expected, exact);

    [ShellFact("bash", Timeout = 60_000)]
    public async Task Bash_offers_every_visible_option_after_a_dash_and_no_hidden_one()
    {
        Command root = DotcatCommand.Create();
        string[] offered = await BashCompleteAsync("dotcat -");

        offered.ShouldBe(VisibleOptionNames(root), ignoreOrder: true);
    }

    [ShellTheory("bash", Timeout = 60_000)]
    [InlineData("dotcat li", "listen")]
    [InlineData("dotcat ", "connect listen myhost.example otherhost.example")]
    [InlineData("dotcat listen --m", "--max-conns")]
    [InlineData("dotcat listen -m 3 my", "myhost.example")]
    [InlineData("dotcat listen myhost.example ", "")]
    [InlineData("dotcat connect --respond ", "echo time")]
    public async Task Bash_completes_subcommands_and_their_options(string line, string expected)
    {
        string[] offered = await BashCompleteAsync(line, TreeWithSubcommands());

        string[] wanted = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        offered.Order(StringComparer.Ordinal).ShouldBe(wanted.Order(StringComparer.Ordinal), $"completing '{line}'");
    }

    [ShellTheory("fish", Timeout = 60_000)]
    [InlineData("dotcat --col", "--color", false)]
    [InlineData("dotcat --color ", "auto always never", true)]
    [InlineData("dotcat --color=n", "--color=never", true)]
    [InlineData("dotcat -o ", "session.log", true)]
    [InlineData("dotcat -w 5 my", "myhost.example", true)]
    [InlineData("dotcat myhost.example ", "", true)]
    public async Task Fish_completes(string line, string expected, bool exact) =>
        Match(await FishCompleteAsync(line, DotcatCommand.Create()), line, expected, exact);

    [ShellTheory("fish", Timeout = 60_000)]
    [InlineData("dotcat --re", "--respond", false)]
    [InlineData("dotcat --respond ", "echo upper uppercase time discard chargen daytime", true)]
    [InlineData("dotcat --respond=u", "--respond=upper --respond=uppercase", true)]
    public async Task Fish_completes_choice_values(string line, string expected, bool exact) =>
        Match(await FishCompleteAsync(line, DotcatCommand.Create()), line, expected, exact);

    private static async Task<string[]> FishCompleteAsync(string line, Command root, bool withSocket = false)
    {
        using var dir = new TempDir();
        string file = dir.Write("dotcat.fish", CompletionScripts.Generate(root, "fish"));
        string cwd = System.IO.Path.GetDirectoryName(dir.Write("cwd/session.log", ""))!;
        using IDisposable? socketFile = withSocket ? AddSocketBesideAFile(cwd) : null;
        // __fish_print_hostnames skips 127.* entries of /etc/hosts: give it known names
        string command = "function __fish_print_hostnames; printf '%s\\n' myhost.example otherhost.example; end; "
            + $"source {FishQuote(file)}; complete --do-complete={FishQuote(line)}";
        ShellResult r = await Shell.RunAsync("fish", ["--no-config", "-c", command], cwd);
        r.ShouldSucceed();
        return [.. Lines(r.Stdout).Select(l => l.Split('\t')[0])];
    }

    /// <summary>
    /// zsh completes only in an interactive shell with a terminal: run zsh in a private tmux server (own socket), type
    /// the line and press Tab. No polling: zsh's Tab widget completes, redraws, then signals a tmux channel the test
    /// waits on; likewise the first prompt signals "ready".
    /// </summary>
    [ShellTheory("zsh", "tmux", Timeout = 60_000)]
    [InlineData("dotcat --col", "dotcat --color=")]
    [InlineData("dotcat --color al", "dotcat --color always")]
    [InlineData("dotcat -o sess", "dotcat -o session.log")]
    [InlineData("dotcat -w 1 --hex", "dotcat -w 1 --hex-dump=")]
    public async Task Zsh_completes(string line, string expectedOnScreen) =>
        (await ZshScreenAfterTabAsync(DotcatCommand.Create(), line)).ShouldContain(expectedOnScreen);

    [ShellTheory("zsh", "tmux", Timeout = 60_000)]
    [InlineData("dotcat --respo", "dotcat --respond=")]
    [InlineData("dotcat --respond ", "chargen")]
    [InlineData("dotcat --respond ", "uppercase")]
    public async Task Zsh_completes_choice_values(string line, string expectedOnScreen) =>
        (await ZshScreenAfterTabAsync(DotcatCommand.Create(), line)).ShouldContain(expectedOnScreen);

    private static async Task<string> ZshScreenAfterTabAsync(Command root, string line, bool withSocket = false)
    {
        using var dir = new TempDir();
        string file = dir.Write("_dotcat", CompletionScripts.Generate(root, "zsh"));
        string socket = System.IO.Path.Combine(dir.Path, "t.sock");
        dir.Write(".zshrc", $$"""
            PS1='READY> '
            autoload -U compinit && compinit -u -d {{dir.Path}}/.zcompdump
            source {{file}}
            dotcat() { :; }
            _test_tab() { zle expand-or-complete; zle -R; tmux -S {{socket}} wait-for -S completed }
            zle -N _test_tab
            bindkey '^I' _test_tab
            precmd() { tmux -S {{socket}} wait-for -S ready }
            """);
        string cwd = System.IO.Path.GetDirectoryName(dir.Write("cwd/session.log", ""))!;
        using IDisposable? socketFile = withSocket ? AddSocketBesideAFile(cwd) : null;
        var env = new Dictionary<string, string> { ["ZDOTDIR"] = dir.Path, ["TERM"] = "xterm" };
        try
        {
            (await Shell.RunAsync("tmux", ["-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", "-c", cwd, "zsh"], cwd, env))
                .ShouldSucceed();
            (await Shell.RunAsync("tmux", ["-S", socket, "wait-for", "ready"], dir.Path)).ShouldSucceed();
            (await Shell.RunAsync("tmux", ["-S", socket, "send-keys", "-l", line], dir.Path)).ShouldSucceed();
            (await Shell.RunAsync("tmux", ["-S", socket, "send-keys", "Tab"], dir.Path)).ShouldSucceed();
            (await Shell.RunAsync("tmux", ["-S", socket, "wait-for", "completed"], dir.Path)).ShouldSucceed();
            return (await Shell.RunAsync("tmux", ["-S", socket, "capture-pane", "-p"], dir.Path)).Stdout;
        }
        finally
        {
            await Shell.RunAsync("tmux", ["-S", socket, "kill-server"], dir.Path);
        }
    }

    [ShellTheory("pwsh", Timeout = 60_000)]
    [InlineData("dotcat --col", "--color", false)]
    [InlineData("dotcat --color ", "auto always never", true)]
    public async Task Pwsh_completes(string line, string expected, bool exact) =>
        Match(await PwshCompleteAsync(line, DotcatCommand.Create()), line, expected, exact);

    [ShellTheory("pwsh", Timeout = 60_000)]
    [InlineData("dotcat --re", "--respond", false)]
    [InlineData("dotcat --respond ", "echo upper uppercase time discard chargen daytime", true)]
    public async Task Pwsh_completes_choice_values(string line, string expected, bool exact) =>
        Match(await PwshCompleteAsync(line, DotcatCommand.Create()), line, expected, exact);

    private static async Task<string[]> PwshCompleteAsync(string line, Command root)
    {
        using var dir = new TempDir();
        string file = dir.Write("dotcat.ps1", CompletionScripts.Generate(root, "pwsh"));
        string command = $". {PwshQuote(file)}; (TabExpansion2 -inputScript {PwshQuote(line)} -cursorColumn {line.Length}).CompletionMatches"
            + " | ForEach-Object { $_.CompletionText }";
        ShellResult r = await Shell.RunAsync("pwsh", ["-NoProfile", "-NonInteractive", "-Command", command], dir.Path);
        r.ShouldSucceed();
        return Lines(r.Stdout);
    }

    // ------------------------------------------------------------ -U: socket files

    /// <summary>
    /// After -U the operand is a socket's path: a real Unix socket file (app.sock) is offered, and a folder to look in
    /// (sub), but not the regular files beside them (app.txt, session.log); lowercase -u is UDP and still gets hosts.
    /// </summary>
    [ShellTheory("bash", Timeout = 20000)]
    [InlineData("dotcat -U ", "app.sock sub")]
    [InlineData("dotcat -U ap", "app.sock")]
    [InlineData("dotcat -lkU a", "app.sock")]
    [InlineData("dotcat --unixsock -v ", "app.sock sub")]
    [InlineData("dotcat -U -o session.log ap", "app.sock")]
    [InlineData("dotcat -u my", "myhost.example")]
    [InlineData("dotcat ap", "")]
    public async Task Bash_offers_socket_files_after_U(string line, string expected) =>
        Match(await BashCompleteAsync(line, withSocket: true), line, expected, exact: true);

    [ShellTheory("fish", Timeout = 20000)]
    [InlineData("dotcat -U ", "app.sock sub/")]
    [InlineData("dotcat -U ap", "app.sock")]
    [InlineData("dotcat -lkU a", "app.sock")]
    [InlineData("dotcat --unixsock ", "app.sock sub/")]
    [InlineData("dotcat -u -w 5 my", "myhost.example")]
    public async Task Fish_offers_socket_files_after_U(string line, string expected) =>
        Match(await FishCompleteAsync(line, DotcatCommand.Create(), withSocket: true), line, expected, exact: true);

    [ShellTheory("zsh", "tmux", Timeout = 30000)]
    [InlineData("dotcat -U ap", "dotcat -U app.sock")]
    [InlineData("dotcat -lU ap", "dotcat -lU app.sock")]
    [InlineData("dotcat --unixsock su", "dotcat --unixsock sub/")]
    public async Task Zsh_offers_socket_files_after_U(string line, string expectedOnScreen)
    {
        // One candidate completes the word in place; app.txt offered too would stop it at "app." and list both.
        string screen = await ZshScreenAfterTabAsync(DotcatCommand.Create(), line, withSocket: true);
        screen.ShouldContain(expectedOnScreen);
        screen.ShouldNotContain("app.txt");
    }

    /// <summary>
    /// In <paramref name="folder"/>: the socket file app.sock, the regular file app.txt and the folder sub. The socket
    /// returned keeps app.sock (.NET removes the file it bound when the socket is disposed).
    /// </summary>
    private static System.Net.Sockets.Socket AddSocketBesideAFile(string folder)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(System.IO.Path.Combine(folder, "app.sock")));
        File.WriteAllText(System.IO.Path.Combine(folder, "app.txt"), "");
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "sub"));
        return socket;
    }

    // ------------------------------------------------------------ helpers

    private static void Match(string[] offered, string line, string expected, bool exact)
    {
        string[] wanted = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (exact)
        {
            offered.Order(StringComparer.Ordinal).ShouldBe(wanted.Order(StringComparer.Ordinal), $"completing '{line}'");
            return;
        }

        foreach (string w in wanted)
        {
            offered.ShouldContain(w, $"completing '{line}'");
        }
    }

    /// <summary>Option names the scripts must offer: Name + aliases starting with '-', without help's "-?".</summary>
    private static string[] VisibleOptionNames(Command root) =>
    [
        .. root.Options.Where(o => !o.Hidden)
            .SelectMany(o => new[] { o.Name }.Concat(o.Aliases))
            .Where(n => n.StartsWith('-') && !string.Equals(n, "-?", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal),
    ];

    /// <summary>How a script spells option <paramref name="name"/>: fish writes <c>-l listen</c> / <c>-s l</c>, the others the name, quoted or bare.</summary>
    private static string Mention(string shell, string name) => shell switch
    {
        "fish" when name.StartsWith("--", StringComparison.Ordinal) => $"-l '{name[2..]}'",
        "fish" when name.Length == 2 => $"-s '{name[1..]}'",
        "fish" => $"-o '{name[1..]}'",
        _ => name,
    };

    /// <summary>The script without its comment lines (they name <c>dotcat --completions SHELL</c>).</summary>
    private static string Code(string script) =>
        string.Join('\n', script.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));

    /// <summary>Generates the script for dotcat's tree and for a tree with subcommands, and has the shell parse each.</summary>
    private static async Task CheckSyntaxAsync(string shell, Func<string, string[]> arguments)
    {
        foreach (Command root in new Command[] { DotcatCommand.Create(), TreeWithSubcommands() })
        {
            using var dir = new TempDir();
            string file = dir.Write("script", CompletionScripts.Generate(root, shell));
            ShellResult r = await Shell.RunAsync(shell, arguments(file), dir.Path);
            r.ShouldSucceed();
        }
    }

    /// <summary>A small tree with subcommands sharing options (like <c>dotcat connect</c> / <c>dotcat listen</c>) and awkward descriptions.</summary>
    private static RootCommand TreeWithSubcommands()
    {
        var respond = new Option<string>("--respond") { Description = "Responder: it's [one] of 'echo' or \"time\" $HOME `x` (y) {z}" }
            .AcceptOnlyFromAmong("echo", "time");
        var listen = new Option<bool>("--listen", "-l") { Description = "Listen; 100% \\ safe" };
        var endpoint = new Argument<string[]>("endpoint") { HelpName = "host port", Arity = new ArgumentArity(0, 2) };
        var root = new RootCommand("dotcat") { listen, respond, endpoint };
        root.Subcommands.Add(new Command("connect", "Connect to HOST PORT (a host named 'listen' needs this)") { respond, endpoint });
        root.Subcommands.Add(new Command("listen", "Listen on [HOST] PORT")
        {
            respond,
            new Option<int>("--max-conns", "-m") { Description = "Most clients served at once" },
            endpoint,
        });
        root.Subcommands.Add(new Command("secret", "hidden") { Hidden = true });
        return root;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FishQuote(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string PwshQuote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Sources the bash script, sets COMP_WORDS/COMP_CWORD from <paramref name="line"/> split at spaces, calls _dotcat.</summary>
    private static async Task<string[]> BashCompleteAsync(string line, Command? root = null, bool withSocket = false)
    {
        using var dir = new TempDir();
        string file = dir.Write("dotcat.bash", CompletionScripts.Generate(root ?? DotcatCommand.Create(), "bash"));
        string hosts = dir.Write("hosts", "127.0.0.1 myhost.example\n127.0.0.2 otherhost.example\n");
        string cwd = dir.Write("cwd/session.log", "");
        using IDisposable? socketFile = withSocket ? AddSocketBesideAFile(System.IO.Path.GetDirectoryName(cwd)!) : null;
        const string Driver = """
            source "$1" || exit 99
            shift
            COMP_WORDS=("$@")
            COMP_CWORD=$(( $# - 1 ))
            COMP_LINE="$*"
            COMP_POINT=${#COMP_LINE}
            _dotcat dotcat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            (( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
            exit 0
            """;
        string[] args = ["--norc", "--noprofile", "-c", Driver, "bash", file, .. line.Split(' ')];
        ShellResult r = await Shell.RunAsync("bash", args, System.IO.Path.GetDirectoryName(cwd)!, new Dictionary<string, string> { ["HOSTFILE"] = hosts });
        r.ShouldSucceed();
        return Lines(r.Stdout);
    }

    internal sealed record ShellResult(int ExitCode, string Stdout, string Stderr)
    {
        public void ShouldSucceed() =>
            ExitCode.ShouldBe(0, $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    internal static class Shell
    {
        /// <summary>
        /// Why a test needing <paramref name="programs"/> cannot run here, or null. The Unix shells are not tested on
        /// Windows, where "bash" on PATH may be WSL's launcher without a distribution.
        /// </summary>
        public static string? SkipReason(IEnumerable<string> programs)
        {
            string[] unix = [.. programs.Where(p => !string.Equals(p, "pwsh", StringComparison.Ordinal))];
            if (OperatingSystem.IsWindows() && unix.Length > 0)
            {
                return $"{string.Join(" and ", unix)} completion tests run on Linux and macOS";
            }

            string[] missing = [.. programs.Where(p => !OnPath(p))];
            return missing.Length > 0 ? $"{string.Join(" and ", missing)} not installed (not on PATH)" : null;
        }

        public static bool OnPath(string program)
        {
            string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd", program] : [program];
            return (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => names.Any(n => File.Exists(Path.Combine(dir, n))));
        }

        /// <summary>Runs a program with no stdin and a clean shell environment; kills it after 15 s.</summary>
        public static async Task<ShellResult> RunAsync(
            string program, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? env = null)
        {
            var psi = new ProcessStartInfo(program)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            foreach (string arg in args)
            {
                psi.ArgumentList.Add(arg);
            }

            foreach (string name in new[] { "BASH_ENV", "ENV", "TMUX", "HISTFILE" })
            {
                psi.Environment.Remove(name);
            }

            foreach ((string name, string value) in env ?? new Dictionary<string, string>())
            {
                psi.Environment[name] = value;
            }

            using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return new ShellResult(process.ExitCode, await stdout, await stderr);
            }
            catch (OperationCanceledException e)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', psi.ArgumentList)} did not finish within 15 s", e);
            }
        }
    }

    private sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        // Short: the tmux socket inside must fit sun_path (104 bytes on macOS, whose temp folder is long already).
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dcc-" + Guid.NewGuid().ToString("N")[..10]);

        public string Write(string name, string text)
        {
            string file = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a shell may still hold a file
            }
        }
    }
}

/// <summary>A <see cref="FactAttribute"/> that is reported as skipped (with the reason) when a program it needs is not on PATH.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(params string[] programs)
    {
        Programs = programs;
        Skip = CompletionScriptsSpecs.Shell.SkipReason(programs);
    }

    public IReadOnlyList<string> Programs { get; }
}

/// <summary>A <see cref="TheoryAttribute"/> that is reported as skipped (with the reason) when a program it needs is not on PATH.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ShellTheoryAttribute : TheoryAttribute
{
    public ShellTheoryAttribute(params string[] programs)
    {
        Programs = programs;
        Skip = CompletionScriptsSpecs.Shell.SkipReason(programs);
    }

    public IReadOnlyList<string> Programs { get; }
}
