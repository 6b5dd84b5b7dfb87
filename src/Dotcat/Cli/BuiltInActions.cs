using System.CommandLine;
using System.CommandLine.Help;

namespace Dotcat.Cli;

/// <summary>
/// Runs <c>--help</c> and <c>--completions</c> into the run's own writers, never through System.Console: System.CommandLine
/// writes to <c>Console.Out</c> and sizes help by <c>Console.WindowWidth</c>; either initialises the console, which
/// switches the terminal to keypad mode (<c>ESC[?1h ESC=</c>) and leaves it so after dotcat exits.
/// </summary>
internal static class BuiltInActions
{
    /// <summary>Help wraps to <paramref name="columns"/> (stdout's terminal width); in a pipe, one line per option.</summary>
    public static Task<int> InvokeAsync(ParseResult builtIn, TextWriter output, TextWriter error, int? columns, CancellationToken cancellationToken)
    {
        if (builtIn.Action is HelpAction help)
            help.MaxWidth = columns ?? int.MaxValue;
        return builtIn.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
