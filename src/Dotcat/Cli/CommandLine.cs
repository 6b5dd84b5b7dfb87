using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Dotcat.Cli;

/// <summary>What the command line asks for: a run with options, a built-in action (help, version), or a usage error.</summary>
internal sealed record CommandLineRequest(DotcatOptions? Options, ParseResult? BuiltInAction, string? UsageError);

/// <summary>The whole trip from argv to a checked <see cref="DotcatOptions"/>, shared by Program and the tests.</summary>
internal static partial class CommandLine
{
    public static CommandLineRequest Parse(string[] args)
    {
        var cli = new DotcatCommand();
        (Mode? spelledMode, string[] rest) = SplitSpelledMode(args);
        ParseResult parse = cli.Parse(rest);

        if (parse.Errors.Count > 0)
            return new(null, null, FirstError(parse));
        if (parse.Action is not null)
            return new(null, parse, null);
        try
        {
            return new(OptionsBinder.Bind(cli, parse, spelledMode), null, null);
        }
        catch (Diagnostics.UsageException e)
        {
            return new(null, null, e.Message);
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
    private static string FirstError(ParseResult parse)
    {
        string? unknown = parse.UnmatchedTokens.FirstOrDefault(t => t.Length > 1 && t[0] == '-');
        if (unknown is not null)
            return $"unknown option '{unknown}'";
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
