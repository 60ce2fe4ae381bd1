package dev.taproot.definition;

import dev.taproot.expression.InvalidExpressionException;
import dev.taproot.expression.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Builds templates from YAML, reporting each bad expression where it is written. */
final class TemplateReader {

  private final Problems problems;
  private final List<ExpressionSite> sites;

  TemplateReader(Problems problems, List<ExpressionSite> sites) {
    this.problems = problems;
    this.sites = sites;
  }

  /**
   * @param owner the step the template belongs to, or null for the workflow output
   * @param field the field holding it, for reference checks
   * @return the template, or null when part of it is wrong (reported)
   */
  Template read(Node node, String path, String owner, String field) {
    if (node instanceof MappingNode mapping) {
      Map<String, Template> fields = new LinkedHashMap<>();
      boolean ok = true;
      for (YamlMaps.Entry entry : YamlMaps.entries(mapping, path, problems).values()) {
        Template value = read(entry.value(), entry.path(), owner, field);
        ok &= value != null;
        fields.put(entry.key(), value);
      }
      return ok && fields.size() == mapping.getValue().size() ? Template.object(fields) : null;
    }
    if (node instanceof SequenceNode sequence) {
      List<Template> items = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < sequence.getValue().size(); i++) {
        Template item = read(sequence.getValue().get(i), Paths.index(path, i), owner, field);
        ok &= item != null;
        items.add(item);
      }
      return ok ? Template.array(items) : null;
    }
    ScalarNode scalar = (ScalarNode) node;
    if (scalar.getTag().equals(Tag.STR)) {
      return readString(scalar, path, owner, field);
    }
    try {
      return Template.literal(YamlValues.scalar(scalar));
    } catch (IllegalArgumentException e) {
      problems.at(scalar, path, e.getMessage());
      return null;
    }
  }

  /** A string; null (reported) when one of its expressions does not compile. */
  Template readString(ScalarNode scalar, String path, String owner, String field) {
    List<Template.Located> found = new ArrayList<>();
    try {
      Template template = Template.ofString(scalar.getValue(), found);
      found.forEach(located -> sites.add(new ExpressionSite(owner, field, path, scalar, located)));
      return template;
    } catch (InvalidExpressionException e) {
      e.issues().forEach(issue -> problems.inScalar(scalar, issue.offset(), path, issue.message()));
      return null;
    }
  }
}
