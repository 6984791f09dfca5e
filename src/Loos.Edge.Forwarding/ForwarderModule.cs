using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Forwarding;

/// <summary>The forwarder (section <c>forwarder</c>): batches from the buffer to each InfluxDB target.</summary>
public sealed class ForwarderModule() : GatewayModule<ForwarderOptions>(ForwarderOptions.SectionName, ForwarderOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, ForwarderOptions options) => section.Bind(options);

    protected override void Prepare(ForwarderOptions options, ISiteContext site)
    {
        // Dead letters stay beside the buffer unless a target names its own file.
        options.DeadLetterDirectory = site.Options<BufferOptions>().Directory;
        foreach (var target in options.Targets)
        {
            target.TokenFile = site.ResolvePath(target.TokenFile);
            target.PasswordFile = site.ResolvePath(target.PasswordFile);
            target.DeadLetterFile = site.ResolvePath(target.DeadLetterFile);
            target.CaFile = site.ResolvePath(target.CaFile);
        }
    }

    protected override void Validate(ForwarderOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(problems);

        // Without buffer:directory (a problem of its own) the dead letters have no folder either: one problem, one message.
        var noBufferFolder = string.IsNullOrWhiteSpace(site.Options<BufferOptions>().Directory);
        problems.AddRange(ForwarderOptionsValidator.Check(options), problem => !(noBufferFolder && problem.Key.EndsWith(":deadLetterFile", StringComparison.Ordinal)));

        for (var i = 0; i < options.Targets.Count; i++)
        {
            var target = options.Targets[i];
            SecretFile.Check(problems, $"{ForwarderOptions.SectionName}:targets:{i}:tokenFile", target.Api == InfluxApi.V2 ? target.TokenFile : null);
            SecretFile.Check(problems, $"{ForwarderOptions.SectionName}:targets:{i}:passwordFile", target.PasswordFile);
        }
    }

    protected override IEnumerable<IDoctorCheck> CreateChecks(ForwarderOptions options, ISiteContext site, DoctorContext doctor) =>
        options.Targets.Select(target => ForwarderCommissioning.TargetCheck(target, doctor.TimeProvider));

    protected override void AddServices(IServiceCollection services, ForwarderOptions options, ISiteContext site) =>
        services.AddForwarding();
}
