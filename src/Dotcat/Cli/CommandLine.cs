using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Dotcat.Model;

namespace Dotcat.Cli;

/// <summary>
/// What the command line asks for: a run with options, a built-in action (help, version), or a usage error, which is
/// coloured as <see cref="UsageColor"/> says (<c>--color</c> when it could be read).
/// </summary>
internal sealed record CommandLineRequest(DotcatOptions? Options, ParseResult? BuiltInAction, string? UsageError, ColorMode UsageColor = ColorMode.Auto);

/// <summary>The whole trip from argv to a checked <see cref="DotcatOptions"/>, shared by Program and the tests.</summary>
internal static partial class CommandLine
{
    /// <summary>Parses <paramref name="args"/>; <c>--send</c> globs are matched under <paramref name="directory"/> (default: the current one),
    /// and <paramref name="environment"/> is read for proxy credentials (default: the process's).</summary>
    public static CommandLineRequest Parse(string[] args, string? directory = null, Func<string, string?>? environment = null)
    {
        var cli = new DotcatCommand();
        (Mode? spelledMode, string[] rest) = SplitSpelledMode(args);
        // After `--` every word is an operand, even one that starts with '-'.
        int dashes = Array.IndexOf(rest, "--");
        if (dashes >= 0)
            cli.LiteralOperands = [.. rest[(dashes + 1)..]];
        ParseResult parse = cli.Parse(rest);
        ColorMode color = ColorOf(cli, parse);

        if (parse.Errors.Count > 0)
            return new(null, null, FirstError(parse, cli), color);
        if (parse.Action is not null)
            return new(null, parse, null);
        try
        {
            return new(OptionsBinder.Bind(cli, parse, spelledMode, directory ?? Directory.GetCurrentDirectory(), environment), null, null);
        }
        catch (Diagnostics.UsageException e)
        {
            return new(null, null, e.Message, color);
        }
    }

    /// <summary><c>--color</c>'s value, when the parse got that far; auto otherwise.</summary>
    private static ColorMode ColorOf(DotcatCommand cli, ParseResult parse)
    {
        if (parse.GetResult(cli.Color) is not { } result || result.Errors.Any())
            return ColorMode.Auto;
        try
        {
            return parse.GetValue(cli.Color);
        }
        catch (InvalidOperationException)
        {
            return ColorMode.Auto;
        }
    }

    /// <summary><c>dotcat connect ...</c> and <c>dotcat listen ...</c>: the mode spelled out as the first word.</summary>
    private static (Mode? Spelled, string[] Remaining) SplitSpelledMode(string[] args) => args switch
    {
        ["connect", .. var rest] => (Mode.Connect, rest),
        ["listen", .. var rest] => (Mode.Listen, rest),
        _ => (null, args),
    };

    /// <summary>An unknown option is the likeliest mistake, and it also shifts the operands; name it first.</summary>
    private static string FirstError(ParseResult parse, DotcatCommand cli)
    {
        string? unknown = parse.UnmatchedTokens.FirstOrDefault(t => t.Length > 1 && t[0] == '-' && !cli.LiteralOperands.Contains(t));
        if (unknown is not null)
            return UnknownOption.Describe(unknown, cli.Root);
        ParseError? unknownOperand = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("unknown option", StringComparison.Ordinal));
        return WithoutTypeName(Fragment((unknownOperand ?? parse.Errors[0]).Message));
    }

    /// <summary>
    /// "Cannot parse argument '' for option '--output' as expected type 'System.IO.FileInfo'": .NET's type is no help
    /// to a user; the value and the option are.
    /// </summary>
    private static string WithoutTypeName(string message)
    {
        Match m = UnparsableValue().Match(message);
        return !m.Success ? message
            : m.Groups["value"].Value.Length == 0 ? $"empty value for option '{m.Groups["option"].Value}'"
            : $"invalid value '{m.Groups["value"].Value}' for option '{m.Groups["option"].Value}'";
    }

    [GeneratedRegex("^cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '[^']*'$", RegexOptions.Singleline | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex UnparsableValue();

    /// <summary>
    /// System.CommandLine writes sentences ("Unrecognized command or argument 'x'."), some over several lines ("Must be
    /// one of:" then a value a line); a dotcat diagnostic is one line, a fragment.
    /// </summary>
    private static string Fragment(string message)
    {
        string text = string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
        return text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1])
            ? char.ToLowerInvariant(text[0]) + text[1..]
            : text;
    }
}
