package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.TableFactory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.TableSection;

/**
 * Gives every instance tables of the module's initial size. Chicory 1.7.5's {@code
 * TableInstance.grow} also grows the limits of the module's own {@link Table}, which every later
 * instance of the module starts from: without this, one execution's {@code table.grow} would make
 * the tables of all later executions larger (and their own grows fail sooner), state passing from
 * one execution to the next. The sizes are read once, before any instance exists.
 */
final class FreshTables implements TableFactory {

  private final Table[] tables;
  private final TableLimits[] initial;

  FreshTables(WasmModule module) {
    TableSection section = module.tableSection();
    this.tables = new Table[section.tableCount()];
    this.initial = new TableLimits[tables.length];
    for (int i = 0; i < tables.length; i++) {
      tables[i] = section.getTable(i);
      TableLimits limits = tables[i].limits();
      initial[i] = new TableLimits(limits.min(), limits.max(), limits.shared());
    }
  }

  @Override
  public TableInstance create(Table table, int initValue) {
    for (int i = 0; i < tables.length; i++) {
      if (tables[i] == table) {
        TableLimits limits = initial[i];
        Table own =
            new Table(
                table.elementType(),
                new TableLimits(limits.min(), limits.max(), limits.shared()),
                table.initialize());
        return new TableInstance(own, initValue);
      }
    }
    throw new IllegalStateException("a table that is not the module's: " + table);
  }
}
