using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Dotcat.Cli;

/// <summary>
/// <c>--help</c> and <c>--version</c>, as System.CommandLine's RootCommand would add them (the same names, aliases, texts
/// and rules). dotcat's root is a plain Command with these two instead: RootCommand looks up the program's name through
/// reflection and its options read their descriptions from a ResourceManager, and in the native build those two
/// lookups were a fifth of what parsing a command line costs at every start (perf, one connect run).
/// </summary>
internal static class BuiltInOptions
{
    public static Option<bool> Help() => new("--help", "-h", "/h", "-?", "/?")
    {
        Description = "Show help and usage information",
        Arity = ArgumentArity.Zero,
        Recursive = true,
        Action = new HelpAction(),
    };

    /// <summary>Like System.CommandLine's own: alone on the command line, or a usage error.</summary>
    public static Option<bool> Version()
    {
        var version = new Option<bool>("--version")
        {
            Description = "Show version information",
            Arity = ArgumentArity.Zero,
            Action = new PrintVersion(),
        };
        version.Validators.Add(result =>
        {
            if (!result.Implicit && result.Parent is CommandResult { Children: var siblings } && siblings.Any(s => s != result && IsGiven(s)))
                result.AddError("--version option cannot be combined with other arguments.");
        });
        return version;
    }

    /// <summary>Written on the command line: not an option's default, nor an operand slot left empty.</summary>
    private static bool IsGiven(SymbolResult result) => result switch
    {
        OptionResult option => !option.Implicit,
        ArgumentResult argument => argument.Tokens.Count > 0,
        _ => true,
    };

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(DotcatCommand.Version);
            return 0;
        }
    }
}
