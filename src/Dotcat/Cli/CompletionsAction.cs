using System.CommandLine;
using System.CommandLine.Invocation;

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
        string shell = parseResult.GetValue<string>("--completions") ?? "bash";
        parseResult.InvocationConfiguration.Output.Write(CompletionScripts.Generate(parseResult.RootCommandResult.Command, shell));
        return 0;
    }
}
