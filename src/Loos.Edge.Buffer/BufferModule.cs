using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Verbs.Buffer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Buffer;

/// <summary>The durable buffer (section <c>buffer</c>): every reading is kept on disk until forwarded.</summary>
public sealed class BufferModule() : GatewayModule<BufferOptions>(BufferOptions.SectionName, BufferOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, BufferOptions options) => section.Bind(options);

    /// <summary>Sources and the forwarder keep one buffer across a reload: its files stay open, nothing in flight is lost.</summary>
    public override bool OutlivesReload => true;

    protected override void Prepare(BufferOptions options, ISiteContext site) =>
        options.Directory = site.ResolvePath(options.Directory) ?? string.Empty;

    protected override void AddServices(IServiceCollection services, BufferOptions options, ISiteContext site) =>
        services.AddDurableBuffer();

    protected override IEnumerable<IDoctorCheck> CreateChecks(BufferOptions options, ISiteContext site, DoctorContext doctor) =>
        [BufferCommissioning.DataDirectoryCheck(options, doctor)];

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [BufferCommand.Create(context)];
}
