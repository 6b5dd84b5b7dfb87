using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;

namespace Dotcat.Cli;

/// <summary>
/// Writes shell completion scripts (bash, zsh, fish, PowerShell) from a System.CommandLine command tree, so the
/// scripts cannot drift from the options the parser really accepts. <c>dotcat --completions SHELL</c> prints one.
/// </summary>
/// <remarks>
/// What is completed: every visible option name (root and visible subcommands, in declaration order); after an
/// option that takes a value, its fixed values (<c>AcceptOnlyFromAmong</c>, enums, completion sources) or file names
/// for <see cref="FileInfo"/> options; the first positional completes host names (and subcommand names), or, once
/// <c>-U</c>/<c>--unixsock</c> is on the line, socket files and the folders to find them in; later positionals (the
/// port) complete nothing. Scripts use <c>\n</c> line ends on every platform.
/// </remarks>
internal static class CompletionScripts
{
    private const string Program = "dotcat";

    /// <summary>The flag that makes the first positional a Unix socket's path (its short name may come in a bundle: -lU).</summary>
    private const string SocketFlag = "--unixsock";

    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh", "fish", "pwsh"];

    /// <summary>The completion script for <paramref name="shell"/> (one of <see cref="Shells"/>; "powershell" also works).</summary>
    /// <exception cref="ArgumentException">The shell is not supported.</exception>
    /// <summary>Whether <see cref="Generate"/> knows <paramref name="shell"/>.</summary>
    public static bool Supports(string shell) =>
        shell.ToUpperInvariant() is "BASH" or "ZSH" or "FISH" or "PWSH" or "POWERSHELL";

    public static string Generate(Command root, string shell)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(shell);
        Tree tree = Describe(root);
        return shell.ToUpperInvariant() switch
        {
            "BASH" => Bash(tree),
            "ZSH" => Zsh(tree),
            "FISH" => Fish(tree),
            "PWSH" or "POWERSHELL" => Pwsh(tree),
            _ => throw new ArgumentException(
                $"unsupported shell '{shell}' (expected one of: {string.Join(", ", Shells)})", nameof(shell)),
        };
    }

    // ---------------------------------------------------------------- model

    private enum ValueKind
    {
        None,
        Free,
        Choices,
        File,
    }

    private sealed record OptionSpec(
        IReadOnlyList<string> Names, string Description, ValueKind Kind, IReadOnlyList<string> Values, string ValueName, bool Repeatable);

    private sealed record SubcommandSpec(string Name, string Description);

    private sealed record Tree(
        IReadOnlyList<OptionSpec> Options, IReadOnlyList<SubcommandSpec> Subcommands, IReadOnlyList<string> Positionals)
    {
        /// <summary>The socket flag's names (<c>--unixsock</c>, <c>-U</c>), none when the tree has no such flag.</summary>
        public IReadOnlyList<string> SocketFlagNames =>
            Options.FirstOrDefault(o => o.Kind == ValueKind.None && o.Names.Contains(SocketFlag, StringComparer.Ordinal))?.Names ?? [];

        /// <summary>
        /// A regular expression for a word that turns the socket flag on: its long name, or its short letter alone or
        /// in a bundle of short flags. Null without the flag.
        /// </summary>
        public string? SocketFlagPattern
        {
            get
            {
                string[] longNames = [.. SocketFlagNames.Where(n => n.StartsWith("--", StringComparison.Ordinal))];
                string[] letters = [.. SocketFlagNames.Where(n => n.Length == 2).Select(n => n[1..])];
                string[] forms = [.. longNames, .. letters.Select(l => $"-[a-zA-Z]*{l}[a-zA-Z]*")];
                return forms.Length == 0 ? null : $"^({string.Join('|', forms)})$";
            }
        }

        public IEnumerable<string> AllNames => Options.SelectMany(o => o.Names);

        public IEnumerable<string> ValueOptionNames => Options.Where(o => o.Kind != ValueKind.None).SelectMany(o => o.Names);
    }

    private static Tree Describe(Command root)
    {
        var options = new List<OptionSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var subcommands = new List<SubcommandSpec>();
        AddOptions(root);
        foreach (Command sub in root.Subcommands.Where(c => !c.Hidden))
        {
            subcommands.Add(new SubcommandSpec(sub.Name, OneLine(sub.Description, sub.Name)));
            AddOptions(sub);
        }

        // "host port" (HelpName) or the argument name; a 0..2 argument is two positions (at most 4 are described).
        var positionals = new List<string>();
        foreach (Argument argument in root.Arguments.Where(a => !a.Hidden))
        {
            string[] words = (argument.HelpName ?? argument.Name).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int count = Math.Min(argument.Arity.MaximumNumberOfValues, 4);
            for (int i = 0; i < count; i++)
            {
                positionals.Add(words.Length == 0 ? argument.Name : words[Math.Min(i, words.Length - 1)]);
            }
        }

        return new Tree(options, subcommands, positionals);

        void AddOptions(Command command)
        {
            foreach (Option option in command.Options.Where(o => !o.Hidden))
            {
                string[] names = [.. new[] { option.Name }.Concat(option.Aliases).Where(IsDashName).Distinct(StringComparer.Ordinal)];
                if (names.Length == 0 || !seen.Add(names[0]))
                {
                    continue;
                }

                options.Add(Spec(option, [.. names.OrderBy(n => n.StartsWith("--", StringComparison.Ordinal) ? 1 : 0)]));
            }
        }
    }

    private static bool IsDashName(string name) =>
        name.Length > 1 && name[0] == '-' && !string.Equals(name, "-?", StringComparison.Ordinal) && !name.Any(char.IsWhiteSpace);

    private static OptionSpec Spec(Option option, string[] names)
    {
        string description = OneLine(option.Description, names[^1]);
        // bool options have arity 0..1 but are flags (bool? too)
        Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        bool takesValue = type != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
        bool collection = option.ValueType != typeof(string) && option.ValueType.IsAssignableTo(typeof(System.Collections.IEnumerable));
        if (!takesValue)
        {
            return new OptionSpec(names, description, ValueKind.None, [], "", collection);
        }

        string valueName = string.IsNullOrWhiteSpace(option.HelpName) ? names[^1].TrimStart('-') : option.HelpName;
        if (option.ValueType == typeof(FileInfo) || option.ValueType == typeof(FileSystemInfo) || option.ValueType == typeof(FileInfo[]))
        {
            return new OptionSpec(names, description, ValueKind.File, [], valueName, collection);
        }

        string[] values = [.. option.GetCompletions(CompletionContext.Empty)
            .Select(c => c.Label)
            .Where(v => v.Length > 0 && !v.Any(char.IsWhiteSpace))
            .Distinct(StringComparer.Ordinal)];
        return new OptionSpec(names, description, values.Length > 0 ? ValueKind.Choices : ValueKind.Free, values, valueName, collection);
    }

    private static string OneLine(string? text, string fallback)
    {
        string line = string.Join(' ', (text ?? "").Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length > 0 ? line : fallback;
    }

    /// <summary>A POSIX-shell single-quoted word: <c>it's</c> becomes <c>'it'\''s'</c> (bash, zsh).</summary>
    private static string Sq(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // ---------------------------------------------------------------- bash

    private static string Bash(Tree tree)
    {
        var s = new Script();
        s.Line($"# bash completion for {Program}. Generated by `{Program} --completions bash`; do not edit.");
        s.Line("# Enable: add  source <(dotcat --completions bash)  to ~/.bashrc, or save this file as");
        s.Line("#         ~/.local/share/bash-completion/completions/dotcat");
        s.Line();
        s.Line("_dotcat_reply() {");
        s.Line("    local w");
        s.Line("    while IFS= read -r w; do COMPREPLY+=(\"$w\"); done");
        s.Line("}");
        s.Line();
        string? socketFlag = tree.SocketFlagPattern;
        if (socketFlag is not null)
        {
            s.Line("# Unix socket files that start with $1, and folders to look in");
            s.Line("_dotcat_sockets() {");
            s.Line("    local f");
            s.Line("    type compopt &>/dev/null && compopt -o filenames");
            s.Line("    while IFS= read -r f; do");
            s.Line("        [[ -S $f || -d $f ]] && COMPREPLY+=(\"$f\")");
            s.Line("    done < <(compgen -f -- \"$1\")");
            s.Line("}");
            s.Line();
        }

        s.Line("_dotcat() {");
        s.Line("    COMPREPLY=()");
        s.Line("    local cur=${COMP_WORDS[COMP_CWORD]} prev= i w n=0 skip= unix=");
        s.Line("    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}");
        s.Line("    # --opt=VALUE: bash splits it into  --opt  =  VALUE");
        s.Line("    if [[ $cur == = ]]; then");
        s.Line("        cur=");
        s.Line("    elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then");
        s.Line("        prev=${COMP_WORDS[COMP_CWORD-2]}");
        s.Line("    fi");
        s.Line();
        s.Line("    case $prev in");
        foreach (OptionSpec o in tree.Options.Where(o => o.Kind != ValueKind.None))
        {
            string action = o.Kind switch
            {
                ValueKind.Choices => $"_dotcat_reply < <(compgen -W {Sq(string.Join(' ', o.Values))} -- \"$cur\")",
                ValueKind.File => "type compopt &>/dev/null && compopt -o filenames; _dotcat_reply < <(compgen -f -- \"$cur\")",
                _ => ":",
            };
            s.Line($"        {string.Join('|', o.Names)}) {action}; return ;;");
        }

        s.Line("    esac");
        s.Line();
        s.Line("    if [[ $cur == -* ]]; then");
        s.Line($"        _dotcat_reply < <(compgen -W {Sq(string.Join(' ', tree.AllNames))} -- \"$cur\")");
        s.Line("        return");
        s.Line("    fi");
        s.Line();
        s.Line("    # which positional is this? skip options, their values and a leading subcommand");
        s.Line("    for (( i = 1; i < COMP_CWORD; i++ )); do");
        s.Line("        w=${COMP_WORDS[i]}");
        s.Line("        if [[ -n $skip ]]; then skip=; [[ $w == = ]] && skip=1; continue; fi");
        s.Line("        case $w in");
        if (tree.ValueOptionNames.Any())
        {
            s.Line($"            {string.Join('|', tree.ValueOptionNames)}) skip=1 ;;");
        }

        s.Line("            --) ;;");
        s.Line(socketFlag is null ? "            -*) ;;" : $"            -*) [[ $w =~ {socketFlag} ]] && unix=1 ;;");
        if (tree.Subcommands.Count > 0)
        {
            s.Line($"            {string.Join('|', tree.Subcommands.Select(c => c.Name))}) (( i == 1 )) || (( n++ )) ;;");
        }

        s.Line("            *) (( n++ )) ;;");
        s.Line("        esac");
        s.Line("    done");
        if (tree.Positionals.Count > 0 || tree.Subcommands.Count > 0)
        {
            s.Line("    if (( n == 0 )); then");
            if (tree.Subcommands.Count > 0)
            {
                s.Line($"        (( COMP_CWORD == 1 )) && _dotcat_reply < <(compgen -W {Sq(string.Join(' ', tree.Subcommands.Select(c => c.Name)))} -- \"$cur\")");
            }

            if (tree.Positionals.Count > 0)
            {
                if (socketFlag is not null)
                {
                    s.Line("        # with -U the operand is a socket's path");
                    s.Line("        [[ -n $unix ]] && { _dotcat_sockets \"$cur\"; return; }");
                }

                s.Line("        _dotcat_reply < <(compgen -A hostname -- \"$cur\")");
            }

            s.Line("    fi");
        }

        s.Line("}");
        s.Line();
        s.Line($"complete -F _dotcat {Program}");
        return s.ToString();
    }

    // ---------------------------------------------------------------- zsh

    /// <summary>Text inside an <c>_arguments</c> <c>[description]</c> or <c>:message:</c>, before shell quoting.</summary>
    private static string ZshSpecText(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("[", "\\[", StringComparison.Ordinal)
        .Replace("]", "\\]", StringComparison.Ordinal)
        .Replace(":", "\\:", StringComparison.Ordinal);

    private static string Zsh(Tree tree)
    {
        var s = new Script();
        s.Line($"#compdef {Program}");
        s.Line($"# zsh completion for {Program}. Generated by `{Program} --completions zsh`; do not edit.");
        s.Line("# Enable: save this file as _dotcat in a directory on $fpath before compinit runs, e.g.");
        s.Line("#   dotcat --completions zsh > ~/.zfunc/_dotcat   with  fpath=(~/.zfunc $fpath)  before  compinit  in ~/.zshrc");
        s.Line("# or add  source <(dotcat --completions zsh)  to ~/.zshrc after compinit.");
        s.Line();
        string host = "_hosts";
        if (tree.SocketFlagNames.Count > 0)
        {
            host = "_dotcat_host";
            // The same words as the bash script's pattern, as a zsh pattern (completion runs with extendedglob).
            string[] forms = [.. tree.SocketFlagNames.Select(n => n.Length == 2 ? $"-[a-zA-Z]#{n[1]}[a-zA-Z]#" : n)];
            s.Line("# the host, or with -U a socket file (or a folder to look in)");
            s.Line("_dotcat_host() {");
            s.Line($"    if (( ${{words[(I)({string.Join('|', forms)})]}} )); then");
            s.Line("        _files -g '*(=)'");
            s.Line("    else");
            s.Line("        _hosts");
            s.Line("    fi");
            s.Line("}");
            s.Line();
        }

        if (tree.Subcommands.Count > 0)
        {
            s.Line("_dotcat_first() {");
            s.Line("    local -a commands");
            s.Line("    commands=(");
            foreach (SubcommandSpec c in tree.Subcommands)
            {
                s.Line($"        {Sq(ZshSpecText(c.Name) + ":" + c.Description)}");
            }

            s.Line("    )");
            s.Line("    local ret=1");
            s.Line("    _describe -t commands command commands && ret=0");
            s.Line($"    {host} && ret=0");
            s.Line("    return ret");
            s.Line("}");
            s.Line();
            s.Line("# after a subcommand the host comes second");
            s.Line("_dotcat_second() {");
            s.Line("    case $line[1] in");
            s.Line($"        ({string.Join('|', tree.Subcommands.Select(c => c.Name))}) {host} ;;");
            s.Line("        (*) _message -e port port ;;");
            s.Line("    esac");
            s.Line("}");
            s.Line();
        }

        s.Line("_dotcat() {");
        s.Line("    _arguments -s -S \\");
        foreach (OptionSpec o in tree.Options)
        {
            string desc = ZshSpecText(o.Description);
            string value = o.Kind switch
            {
                ValueKind.Choices => $":{ZshSpecText(o.ValueName)}:({string.Join(' ', o.Values.Select(ZshValue))})",
                ValueKind.File => $":{ZshSpecText(o.ValueName)}:_files",
                ValueKind.Free => $":{ZshSpecText(o.ValueName)}: ",
                _ => "",
            };

            // -w+ : value in the same word (-w3) or the next; --wait= : --wait=3 or --wait 3
            string Form(string n) => o.Kind == ValueKind.None ? n : n + (n.StartsWith("--", StringComparison.Ordinal) ? "=" : "+");
            string tail = Sq($"[{desc}]{value}");
            string spec;
            if (o.Names.Count == 1)
            {
                spec = Sq((o.Repeatable ? "*" : "") + Form(o.Names[0]) + $"[{desc}]{value}");
            }
            else
            {
                string prefix = o.Repeatable ? "'*'" : Sq($"({string.Join(' ', o.Names)})");
                spec = prefix + "{" + string.Join(',', o.Names.Select(Form)) + "}" + tail;
            }

            s.Line($"        {spec} \\");
        }

        bool subcommands = tree.Subcommands.Count > 0;
        for (int i = 0; tree.Positionals.Count > 0 && i < tree.Positionals.Count + (subcommands ? 1 : 0); i++)
        {
            string name = ZshSpecText(tree.Positionals[Math.Min(i, tree.Positionals.Count - 1)]);
            string action = (i, subcommands) switch
            {
                (0, true) => "_dotcat_first",
                (0, false) => host,
                (1, true) => "_dotcat_second",
                _ => " ",
            };
            s.Line($"        {Sq($"{i + 1}:{name}:{action}")} \\");
        }

        if (tree.Positionals.Count == 0 && tree.Subcommands.Count > 0)
        {
            s.Line("        '1:command:_dotcat_first' \\");
        }

        s.Line("        && return 0");
        s.Line("    return 1");
        s.Line("}");
        s.Line();
        s.Line("if [[ $funcstack[1] == _dotcat ]]; then");
        s.Line("    _dotcat \"$@\"");
        s.Line("else");
        s.Line($"    compdef _dotcat {Program}");
        s.Line("fi");
        return s.ToString();

        static string ZshValue(string v)
        {
            var sb = new StringBuilder();
            foreach (char c in v)
            {
                if (!char.IsLetterOrDigit(c) && c is not ('-' or '_' or '.' or '+' or ',' or '/' or '@'))
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }

            return sb.ToString();
        }
    }

    // ---------------------------------------------------------------- fish

    private static string Fish(Tree tree)
    {
        var s = new Script();
        s.Line($"# fish completion for {Program}. Generated by `{Program} --completions fish`; do not edit.");
        s.Line("# Enable: dotcat --completions fish > ~/.config/fish/completions/dotcat.fish");
        s.Line("#     or: add  dotcat --completions fish | source  to ~/.config/fish/config.fish");
        s.Line();
        s.Line("# true while no positional (host) has been typed yet: options and their values don't count");
        s.Line("function __dotcat_no_positional");
        s.Line("    set -l tokens (commandline -opc)");
        s.Line("    set -e tokens[1]");
        s.Line("    set -l skip 0");
        s.Line("    for t in $tokens");
        s.Line("        if test $skip -eq 1");
        s.Line("            set skip 0");
        s.Line("            continue");
        s.Line("        end");
        s.Line("        switch $t");
        if (tree.ValueOptionNames.Any())
        {
            s.Line($"            case {string.Join(' ', tree.ValueOptionNames.Select(FishQuote))}");
            s.Line("                set skip 1");
        }

        s.Line("            case '-*'");
        if (tree.Subcommands.Count > 0)
        {
            s.Line($"            case {string.Join(' ', tree.Subcommands.Select(c => FishQuote(c.Name)))}");
        }

        s.Line("            case '*'");
        s.Line("                return 1");
        s.Line("        end");
        s.Line("    end");
        s.Line("    return 0");
        s.Line("end");
        s.Line();
        string? socketFlag = tree.SocketFlagPattern;
        if (socketFlag is not null)
        {
            s.Line("# true once -U (alone or in a bundle such as -lU) or --unixsock is on the line");
            s.Line("function __dotcat_unixsock");
            s.Line($"    string match -qr -- {FishQuote(socketFlag)} (commandline -opc)");
            s.Line("end");
            s.Line();
            s.Line("# Unix socket files that start with the current word, and folders to look in");
            s.Line("function __dotcat_sockets");
            s.Line("    for f in (commandline -ct)*");
            s.Line("        if test -S $f");
            s.Line("            echo $f");
            s.Line("        else if test -d $f");
            s.Line("            echo $f/");
            s.Line("        end");
            s.Line("    end");
            s.Line("end");
            s.Line();
        }

        s.Line($"complete -c {Program} -f");
        foreach (OptionSpec o in tree.Options)
        {
            var line = new StringBuilder($"complete -c {Program}");
            foreach (string n in o.Names)
            {
                line.Append(n.StartsWith("--", StringComparison.Ordinal) ? " -l " + FishQuote(n[2..])
                    : n.Length == 2 ? " -s " + FishQuote(n[1..])
                    : " -o " + FishQuote(n[1..]));
            }

            line.Append(o.Kind switch
            {
                ValueKind.Choices => " -x -a " + FishQuote(string.Join(' ', o.Values)),
                ValueKind.File => " -r -F",
                ValueKind.Free => " -x",
                _ => "",
            });
            line.Append(" -d ").Append(FishQuote(o.Description));
            s.Line(line.ToString());
        }

        foreach (SubcommandSpec c in tree.Subcommands)
        {
            s.Line($"complete -c {Program} -n __dotcat_no_positional -a {FishQuote(c.Name)} -d {FishQuote(c.Description)}");
        }

        if (tree.Positionals.Count > 0 && socketFlag is not null)
        {
            s.Line($"complete -c {Program} -n '__dotcat_no_positional; and not __dotcat_unixsock' -a '(__fish_print_hostnames)' -d {FishQuote(tree.Positionals[0])}");
            s.Line($"complete -c {Program} -n '__dotcat_no_positional; and __dotcat_unixsock' -a '(__dotcat_sockets)' -d 'Unix socket'");
        }
        else if (tree.Positionals.Count > 0)
        {
            s.Line($"complete -c {Program} -n __dotcat_no_positional -a '(__fish_print_hostnames)' -d {FishQuote(tree.Positionals[0])}");
        }

        return s.ToString();

        // fish single quotes: only \ and ' are special inside them
        static string FishQuote(string text) =>
            "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    // ---------------------------------------------------------------- PowerShell

    private static string Pwsh(Tree tree)
    {
        var s = new Script();
        s.Line($"# PowerShell completion for {Program}. Generated by `{Program} --completions pwsh`; do not edit.");
        s.Line("# Enable: add  dotcat --completions pwsh | Out-String | Invoke-Expression  to your $PROFILE");
        s.Line();
        s.Line($"Register-ArgumentCompleter -Native -CommandName '{Program}', '{Program}.exe' -ScriptBlock {{");
        s.Line("    param($wordToComplete, $commandAst, $cursorPosition)");
        s.Line();
        s.Line("    $options = @(");
        foreach (OptionSpec o in tree.Options)
        {
            foreach (string n in o.Names)
            {
                s.Line($"        ,@({PsQuote(n)}, {PsQuote(o.Description)})");
            }
        }

        s.Line("    )");
        s.Line("    $values = [System.Collections.Hashtable]::new([System.StringComparer]::Ordinal)   # -u is not -U");
        foreach (OptionSpec o in tree.Options.Where(o => o.Kind == ValueKind.Choices))
        {
            foreach (string n in o.Names)
            {
                s.Line($"    $values[{PsQuote(n)}] = @({string.Join(", ", o.Values.Select(PsQuote))})");
            }
        }

        string valueOptions = string.Join(", ", tree.ValueOptionNames.Select(PsQuote));
        s.Line($"    $takesValue = @({valueOptions})");
        s.Line();
        s.Line("    $word = \"$wordToComplete\"");
        s.Line("    $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })");
        s.Line("    $prev = $null");
        s.Line("    if ($word.Length -gt 0) { if ($before.Count -ge 3) { $prev = $before[-2] } } elseif ($before.Count -ge 2) { $prev = $before[-1] }");
        s.Line();
        s.Line("    $prefix = ''");
        s.Line("    if ($word -match '^(--?[^=]+)=(.*)$' -and $takesValue -ccontains $Matches[1]) {");
        s.Line("        $prev = $Matches[1]; $prefix = $Matches[1] + '='; $word = $Matches[2]");
        s.Line("    }");
        s.Line();
        s.Line("    if ($null -ne $prev -and $takesValue -ccontains $prev) {");
        s.Line("        if ($values.ContainsKey($prev)) {");
        s.Line("            $values[$prev] | Where-Object { $_ -like \"$word*\" } | ForEach-Object {");
        s.Line("                [System.Management.Automation.CompletionResult]::new($prefix + $_, $_, 'ParameterValue', $_)");
        s.Line("            }");
        s.Line("        }");
        s.Line("        return   # nothing: PowerShell falls back to file names");
        s.Line("    }");
        s.Line();
        if (tree.SocketFlagPattern is { } pattern)
        {
            // Best effort: PowerShell's UnixMode (7.4+) starts with 's' for a socket; folders are offered to look in.
            s.Line("    if (-not $word.StartsWith('-') -and @($before | Where-Object { $_ -cmatch " + PsQuote(pattern) + " }).Count -gt 0) {");
            s.Line("        $parent = if ($word.Contains('/')) { $word.Substring(0, $word.LastIndexOf('/') + 1) } else { '' }");
            s.Line("        Get-Item -Path \"$word*\" -Force -ErrorAction SilentlyContinue |");
            s.Line("            Where-Object { $_.PSIsContainer -or \"$($_.UnixMode)\".StartsWith('s') } | ForEach-Object {");
            s.Line("                $text = $parent + $_.Name + $(if ($_.PSIsContainer) { '/' } else { '' })");
            s.Line("                [System.Management.Automation.CompletionResult]::new($text, $_.Name, 'ProviderItem', $text)");
            s.Line("            }");
            s.Line("        return");
            s.Line("    }");
            s.Line();
        }

        s.Line("    if ($word.Length -eq 0 -or $word.StartsWith('-')) {");
        s.Line("        $options | Where-Object { $_[0].StartsWith($word, [System.StringComparison]::Ordinal) } | ForEach-Object {");
        s.Line("            [System.Management.Automation.CompletionResult]::new($_[0], $_[0], 'ParameterName', $_[1])");
        s.Line("        }");
        s.Line("    }");
        if (tree.Subcommands.Count > 0)
        {
            s.Line("    if ($before.Count -le 2 -and -not $word.StartsWith('-')) {");
            s.Line("        @(");
            foreach (SubcommandSpec c in tree.Subcommands)
            {
                s.Line($"            ,@({PsQuote(c.Name)}, {PsQuote(c.Description)})");
            }

            s.Line("        ) | Where-Object { $_[0] -like \"$word*\" } | ForEach-Object {");
            s.Line("            [System.Management.Automation.CompletionResult]::new($_[0], $_[0], 'Command', $_[1])");
            s.Line("        }");
            s.Line("    }");
        }

        s.Line("}");
        return s.ToString();

        // PowerShell single quotes: ' doubles (the typographic quotes ‘ ’ are quotes too)
        static string PsQuote(string text) => "'" + text
            .Replace("'", "''", StringComparison.Ordinal)
            .Replace("\u2018", "\u2018\u2018", StringComparison.Ordinal)
            .Replace("\u2019", "\u2019\u2019", StringComparison.Ordinal) + "'";
    }

    /// <summary>Lines joined with <c>\n</c> on every platform; the result ends with a newline.</summary>
    private sealed class Script
    {
        private readonly StringBuilder _text = new();

        public void Line(string line = "") => _text.Append(line).Append('\n');

        public override string ToString() => _text.ToString();
    }
}
