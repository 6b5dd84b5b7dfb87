using System.CommandLine;
using System.CommandLine.Help;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Cli;

/// <summary>
/// Runs <c>--help</c>, <c>--version</c> and <c>--completions</c> without System.Console on Unix. System.CommandLine
/// writes to <c>Console.Out</c> and sizes help by <c>Console.WindowWidth</c>; either initialises the console, which
/// switches the terminal to keypad mode (<c>ESC[?1h ESC=</c>) and leaves it so after dotcat exits.
/// </summary>
internal static class BuiltInActions
{
    public static Task<int> InvokeAsync(ParseResult builtIn)
    {
        if (OperatingSystem.IsWindows())
            return builtIn.InvokeAsync();
        if (builtIn.Action is HelpAction help)
            help.MaxWidth = Term.Columns(1) ?? int.MaxValue;   // wrap to a terminal; one line per option in a pipe
        return builtIn.InvokeAsync(new InvocationConfiguration { Output = Stdio.TextStdout, Error = Stdio.Stderr });
    }
}
