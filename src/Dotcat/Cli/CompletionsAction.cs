using System.CommandLine;
using System.CommandLine.Invocation;
using Dotcat.Diagnostics;

namespace Dotcat.Cli;

/// <summary>
/// <c>dotcat --completions SHELL</c>: prints the completion script generated from the command tree. An option with its
/// own action rather than a subcommand, so it needs no endpoint and leaves the usage line alone.
/// </summary>
internal sealed class CompletionsAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        // This action clears parse errors (it needs no endpoint), so a bad value arrives here, not as a parse error.
        string shell = parseResult.GetValue<string>("--completions") ?? "bash";
        if (!CompletionScripts.Supports(shell))
        {
            parseResult.InvocationConfiguration.Error.WriteLine(
                $"dotcat: unsupported shell '{Shown.Value(shell)}' for --completions (expected one of: {string.Join(", ", CompletionScripts.Shells)})");
            return ExitCodes.Usage;
        }
        parseResult.InvocationConfiguration.Output.Write(CompletionScripts.Generate(parseResult.RootCommandResult.Command, shell));
        return ExitCodes.Success;
    }
}
